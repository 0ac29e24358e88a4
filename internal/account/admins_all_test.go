package account_test

import (
	"context"
	"slices"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// The vendor_admins are every live vendor_admin, and no other staff or
// customer administrator.
func TestVendorAdminIDsListsOnlyVendorAdmins(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Login("admin@steward.demo")
		second := e.Do(req{Method: "POST", Path: "/api/v1/staff", Token: admin,
			Body: map[string]string{"email": "admin2@steward.demo", "name": "第二位管理员", "role": "vendor_admin", "password": "a-long-password"}}).JSON()
		e.Do(req{Method: "POST", Path: "/api/v1/staff", Token: admin,
			Body: map[string]string{"email": "pm2@steward.demo", "name": "第二位产品经理", "role": "product_manager", "password": "a-long-password"}})
		want := []string{meID(t, e, admin), second["id"].(string)}
		slices.Sort(want)
		got, err := e.App.Accounts.VendorAdminIDs(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("vendor_admins %v, want %v", got, want)
		}
	})
}
