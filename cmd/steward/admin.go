package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := newFlagSet("migrate", stdout)
	storageFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := db.Open(ctx, cfg.DataDir, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s); the %s database is up to date\n", n, d.Dialect())
	return nil
}

func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	var cfg app.Config
	var in account.UserInput
	var role, org string
	fs := newFlagSet("user add", stdout)
	storageFlags(fs, &cfg)
	fs.StringVar(&in.Email, "email", "", "email (login)")
	fs.StringVar(&in.Name, "name", "", "display name")
	fs.StringVar(&role, "role", "", "vendor role (agent, engineer, product_manager, vendor_admin) or customer role (customer_admin, customer_member)")
	fs.StringVar(&org, "org", "", "organisation id, required for customer roles")
	fs.StringVar(&in.Locale, "locale", "zh-CN", "preferred language: zh-CN or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in.Role = actor.Role(role)
	if in.Role.IsCustomer() && org == "" {
		return errors.New("a customer user needs --org ORG_ID")
	}
	if in.Role.IsVendor() && org != "" {
		return errors.New("vendor staff belong to no organisation: leave out --org")
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password from stdin: %w", err)
	}
	in.Password = strings.TrimRight(password, "\r\n")

	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Accounts.CreateUser(ctx, org, in)
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(stdout, "created %s %s (%s)\n", u.Role, u.Email, u.ID)
	return nil
}

// explain turns a problem into a line for the terminal, naming the fields.
func explain(err error) error {
	pe, ok := problem.As(err)
	if !ok {
		return err
	}
	msg := i18n.T(i18n.English, pe.MessageKey(), pe.Args)
	for _, f := range pe.Fields {
		msg += fmt.Sprintf("\n  --%s %s", strings.ReplaceAll(f.Field, "_", "-"), i18n.T(i18n.English, f.Message, nil))
	}
	return errors.New(msg)
}

func backup(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := newFlagSet("backup", stdout)
	storageFlags(fs, &cfg)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("give one backup file: steward backup FILE: %w", errUsage)
	}
	file := files[0]
	if cfg.DatabaseURL != "" {
		return db.ErrBackupPostgres
	}
	d, err := db.Open(ctx, cfg.DataDir, "")
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Backup(ctx, file); err != nil {
		return fmt.Errorf("backup to %s: %w", file, err)
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", d.Path, file)
	return nil
}
