package app

import (
	"context"

	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/jobs"
	"steward.dev/steward/internal/platform/web"
)

// buildAccess wires data-access transparency (grants, lawful requests, the
// data-access log, in the audit room) and private attachments, whose bytes
// live in the app's blob store.
func (a *App) buildAccess(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) error {
	orgs := a.orgName
	a.Access = audit.NewAccess(audit.NewAccessStore(a.DB), a.DB, rec, a.Config.Clock, orgs)
	a.Access.SetDiscloser(a.discloseLawfulRequest)
	a.Jobs.Handle(audit.DiscloseJob, func(ctx context.Context, j jobs.Job) error { return a.Access.RunDisclosure(ctx, j.Payload) })

	a.Attachments = attachment.NewService(attachment.Deps{Store: attachment.NewStore(a.DB), Blobs: a.Blobs, Audit: rec,
		Access: a.Access, Orgs: orgs, Clock: a.Config.Clock, MaxSize: attachment.DefaultMaxSize})

	audit.NewAccessAPI(a.Access).Routes(rt)
	audit.NewAccessPages(a.Access, pages).Routes(rt)
	attachment.NewAPI(a.Attachments).Routes(rt)
	attachment.NewPages(a.Attachments, pages).Routes(rt)
	return nil
}

// discloseLawfulRequest posts the disclosure of a lawful request to the
// organisation's customer_admins' notice inboxes, inside the job's transaction.
func (a *App) discloseLawfulRequest(ctx context.Context, tx *db.Tx, d audit.Disclosure) error {
	admins, err := a.Accounts.OrgAdminIDs(ctx, d.Request.OrgID)
	if err != nil {
		return err
	}
	zhTitle, zhBody := d.Text(i18n.Chinese)
	enTitle, enBody := d.Text(i18n.English)
	return a.Notices.Post(ctx, tx, admins, notice.Message{
		Title: notice.Text{Zh: zhTitle, En: enTitle}, Body: notice.Text{Zh: zhBody, En: enBody}, Link: d.Link})
}
