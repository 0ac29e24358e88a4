package app_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

func TestConfiguredAdminExistsAfterEveryStartAndKeepsItsPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		start := func(password string) *apptest.Env {
			a, err := app.Build(app.Config{AdminEmail: "root@vendor.example", AdminPassword: password, Hasher: apptest.FastHasher, Logger: slog.New(slog.DiscardHandler)}, d)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Prepare(context.Background()); err != nil {
				t.Fatal(err)
			}
			return apptest.Wrap(t, a)
		}
		first := start("first-password-1")
		first.Login("root@vendor.example", "first-password-1")
		second := start("changed-in-env-2")
		second.Login("root@vendor.example", "first-password-1")
		if res := second.Do(apptest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "root@vendor.example", "password": "changed-in-env-2"}}); res.Status != http.StatusUnauthorized {
			t.Fatalf("the environment's new password replaced the existing one: %d", res.Status)
		}
		if res := second.Do(apptest.Request{Method: "GET", Path: "/api/v1/staff", Token: second.Login("root@vendor.example", "first-password-1")}); len(res.Items()) != 1 {
			t.Fatalf("staff after two starts: %s", res.Body)
		}
	})
}

func TestDemoDataIsIdempotent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if err := e.App.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		admin := e.Login("admin@steward.demo")
		orgs := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs", Token: admin}).Items()
		staff := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/staff", Token: admin}).Items()
		if len(orgs) != len(app.DemoOrgs) || len(staff) != len(app.DemoStaff) {
			t.Fatalf("after loading the demo twice: %d orgs, %d staff; want %d and %d", len(orgs), len(staff), len(app.DemoOrgs), len(app.DemoStaff))
		}
		regions := map[string]bool{}
		for _, o := range orgs {
			regions[o["region"].(string)] = true
		}
		for _, want := range []string{"CN", "HK", "SG"} {
			if !regions[want] {
				t.Errorf("no demo organisation in %s", want)
			}
		}
	})
}
