package hotline

import (
	"context"

	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

// PolicyID is the escalation policy a report pages (the oncall room's
// default: the hotline rota's engineer, then the vendor_admins).
const PolicyID = "hotline"

// pageKey names a rescue's escalation, and is the ledger key of its quota unit.
func pageKey(rescueID string) string { return "rescue:" + rescueID }

// say is a message of the hotline catalog in both languages.
func say(key string, args map[string]any) Text {
	return Text{Zh: i18n.T(i18n.Chinese, key, args), En: i18n.T(i18n.English, key, args)}
}

// announceReport, in the report's transaction: the rota is paged, the
// organisation's customer_admins and the reporter get a notice, and the
// notifier enqueues the e-mails and channel posts. Nothing waits on the
// network here.
func (s *Service) announceReport(ctx context.Context, tx *db.Tx, r Rescue, people []Person) error {
	if s.quiet {
		return nil
	}
	args := map[string]any{"number": r.Number, "title": r.Title, "users_zh": i18n.T(i18n.Chinese, "hotline.users."+r.UsersAffected, nil),
		"users_en": i18n.T(i18n.English, "hotline.users."+r.UsersAffected, nil), "contact": r.Contact.Name,
		"phone": r.Contact.Phone, "since": r.Since.In(clock.Shanghai).Format("2006-01-02 15:04")}
	title, body := say("hotline.news.reported_title", args), say("hotline.news.reported_body", args)
	if err := s.d.Outbox.Page(ctx, tx, News{Kind: "rescue.reported", Key: pageKey(r.ID), OrgID: r.OrgID, Title: title, Body: body,
		Link: ConsolePath(r.ID), Critical: true}); err != nil {
		return err
	}
	return s.tellCustomer(ctx, tx, r, people, "rescue.reported", pageKey(r.ID)+":reported", title, body, true)
}

// announceUpdate tells the customer of a state change or a public update.
func (s *Service) announceUpdate(ctx context.Context, tx *db.Tx, r Rescue, people []Person, u Update) error {
	if s.quiet {
		return nil
	}
	args := map[string]any{"number": r.Number, "title": r.Title, "body": u.Body}
	key := "hotline.news.updated"
	if u.Kind == EntryState {
		args["state_zh"], args["state_en"] = i18n.T(i18n.Chinese, "hotline.state."+string(u.State), nil), i18n.T(i18n.English, "hotline.state."+string(u.State), nil)
		key = "hotline.news.state"
		if r.Refund != nil && u.State == Downgraded {
			key = "hotline.news.downgraded"
			args["reason_zh"], args["reason_en"] = downgradeWords(i18n.Chinese, r.Downgrade), downgradeWords(i18n.English, r.Downgrade)
		}
	}
	title, body := say("hotline.news.updated_title", args), say(key, args)
	return s.tellCustomer(ctx, tx, r, people, "rescue.updated", pageKey(r.ID)+":"+u.ID, title, body, false)
}

// downgradeWords says why a report was downgraded.
func downgradeWords(lang i18n.Lang, d *DowngradeInfo) string {
	words := i18n.T(lang, "hotline.downgrade."+d.Reason, nil)
	if d.Cause != "" {
		words += " — " + i18n.T(lang, "hotline.cause."+d.Cause, nil)
	}
	return words
}

// tellCustomer posts a notice to the organisation's customer_admins and the
// reporter among people (read before the transaction), and publishes the
// news to them and the channels.
func (s *Service) tellCustomer(ctx context.Context, tx *db.Tx, r Rescue, people []Person, kind, key string, title, body Text, critical bool) error {
	var told []Person
	var ids []string
	for _, p := range people {
		if p.Admin || p.UserID == r.ReportedBy {
			told = append(told, p)
			ids = append(ids, p.UserID)
		}
	}
	if err := s.d.Notices.Post(ctx, tx, ids, notice.Message{Title: notice.Text(title), Body: notice.Text(body), Link: PortalPath(r.ID)}); err != nil {
		return err
	}
	return s.d.Outbox.Publish(ctx, tx, News{Kind: kind, Key: key, OrgID: r.OrgID, Title: title, Body: body, Link: PortalPath(r.ID),
		Critical: critical, Emails: told})
}

// Channel is another way to get help when the rescue quota is used up.
type Channel struct {
	Code string `json:"code"`
	Name Text   `json:"name"`
	Link string `json:"link"`
}

// OtherChannels are the self-service channels every customer keeps: the
// community's help center, the service robot and Q&A.
func OtherChannels() []Channel {
	list := []Channel{{Code: "community", Link: "/community"}, {Code: "robot", Link: "/assistant"}, {Code: "questions", Link: "/community/questions"}}
	for i := range list {
		list[i].Name = say("hotline.channel."+list[i].Code, nil)
	}
	return list
}

// withChannels adds to a quota.exhausted refusal when the quota starts
// again and the channels to use meanwhile; other errors pass unchanged.
func withChannels(err error) error {
	pe, ok := problem.As(err)
	if !ok || pe.Code != entitlement.ReasonQuotaExhausted {
		return err
	}
	out := *pe
	out.Extra = map[string]any{"channels": OtherChannels()}
	for k, v := range pe.Extra {
		out.Extra[k] = v
	}
	if q, ok := pe.Extra["quota"].(*entitlement.QuotaState); ok {
		out.Extra["period_end"] = q.PeriodEnd
	}
	return &out
}
