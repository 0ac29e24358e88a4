package app

import (
	"context"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/oncall"
)

// DemoRotaStart is the Monday the demo's hotline rota starts: the engineer
// has that week from 09:00 Beijing time, the agent the next, and so on.
const DemoRotaStart = "2026-11-23"

// loadDemoOnCall puts the demo's engineer and agent on the hotline rota,
// handing over on Mondays at 09:00 Beijing time, and makes the demo's
// administrator the hotline policy's second level after 15 minutes. A rota
// that already has members is left as it is.
func loadDemoOnCall(ctx context.Context, accounts *account.Store, rota *oncall.Service) error {
	ids := map[string]string{}
	for _, email := range []string{"engineer@steward.demo", "agent@steward.demo", "admin@steward.demo"} {
		u, err := accounts.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		ids[email] = u.ID
	}
	return rota.SeedHotline(ctx,
		oncall.ScheduleInput{Members: []string{ids["engineer@steward.demo"], ids["agent@steward.demo"]}, HandoverWeekday: "monday", HandoverTime: "09:00", StartsOn: DemoRotaStart},
		[]oncall.Level{
			{Targets: []oncall.Target{{Type: oncall.TargetSchedule, ID: oncall.DefaultScheduleID}}, DelayMinutes: 15},
			{Targets: []oncall.Target{{Type: oncall.TargetUser, ID: ids["admin@steward.demo"]}}, DelayMinutes: 15},
		})
}
