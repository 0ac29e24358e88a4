package app

import (
	"context"
	"errors"
	"fmt"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/platform/actor"
)

// ensureAdmin makes sure the vendor_admin of STEWARD_ADMIN_EMAIL exists; an
// existing account keeps its password.
func (a *App) ensureAdmin(ctx context.Context) error {
	if a.Config.AdminEmail == "" || a.Config.AdminPassword == "" {
		return errors.New("set both STEWARD_ADMIN_EMAIL and STEWARD_ADMIN_PASSWORD, or neither")
	}
	created, err := a.Accounts.EnsureUser(ctx, "", account.UserInput{
		Email: a.Config.AdminEmail, Name: "Administrator", Role: actor.VendorAdmin, Password: a.Config.AdminPassword,
	})
	if err != nil {
		return fmt.Errorf("admin account %s: %w", a.Config.AdminEmail, err)
	}
	if created {
		a.Config.Logger.Info("created the vendor_admin account", "email", a.Config.AdminEmail)
	}
	return nil
}
