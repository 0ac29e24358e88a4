package app

import (
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/oncall"
	"steward.dev/steward/internal/platform/web"
)

// buildOnCall wires the rota and escalation room on the accounts (who is
// vendor staff), the inbox and the notifier, and registers the job of an
// escalation's next step. Call it after the notifier is built.
func (a *App) buildOnCall(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) {
	a.OnCall = oncall.NewService(oncall.Deps{Store: oncall.NewStore(a.DB), Audit: rec, Clock: a.Config.Clock,
		Accounts: a.Accounts, Notices: a.Notices, Notify: a.Notify})
	a.Jobs.Handle(oncall.StepJob, a.OnCall.RunStep)
	oncall.NewAPI(a.OnCall).Routes(rt)
	oncall.NewPages(a.OnCall, pages).Routes(rt)
}
