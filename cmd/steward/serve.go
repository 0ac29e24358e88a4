package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"steward.dev/steward/internal/app"
)

func serve(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	started := time.Now()
	cfg := app.Config{Logger: logger}
	fs := newFlagSet("serve", stdout)
	fs.StringVar(&cfg.Addr, "addr", env("ADDR", "127.0.0.1:8080"), "listen address (STEWARD_ADDR)")
	storageFlags(fs, &cfg)
	fs.BoolVar(&cfg.Demo, "demo", envBool("DEMO"), "load demo organisations and users (STEWARD_DEMO)")
	fs.BoolVar(&cfg.MetricsPublic, "metrics-public", envBool("METRICS_PUBLIC"), "serve /metrics beyond loopback (STEWARD_METRICS_PUBLIC)")
	fs.BoolVar(&cfg.CommunityRequiresLogin, "community-requires-login", envBool("COMMUNITY_REQUIRES_LOGIN"), "only signed-in people read the help center, questions and courses (STEWARD_COMMUNITY_REQUIRES_LOGIN)")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", envBool("TRUST_PROXY"), "take client addresses from X-Forwarded-For; only behind a reverse proxy (STEWARD_TRUST_PROXY)")
	smtpFlags(fs, &cfg)
	fs.Int64Var(&cfg.PatchMaxBytes, "patch-max-bytes", envInt64("PATCH_MAX_BYTES", app.DefaultPatchMaxBytes), "largest patch file accepted, in bytes (STEWARD_PATCH_MAX_BYTES)")
	restoreDays := fs.Int("restore-days", envInt("RESTORE_DAYS", 30), "days deleted customer data stays restorable before it is purged (STEWARD_RESTORE_DAYS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.PatchMaxBytes < 1 {
		return fmt.Errorf("--patch-max-bytes must be at least 1, got %d", cfg.PatchMaxBytes)
	}
	if err := cfg.SMTP.Check(); err != nil {
		return err
	}
	if err := checkPublicURL(cfg.PublicURL); err != nil {
		return err
	}
	if *restoreDays < 1 {
		return fmt.Errorf("--restore-days must be at least 1, got %d", *restoreDays)
	}
	cfg.RestoreWindow = time.Duration(*restoreDays) * 24 * time.Hour
	cfg.AdminEmail, cfg.AdminPassword = env("ADMIN_EMAIL", ""), env("ADMIN_PASSWORD", "")

	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Prepare(ctx); err != nil {
		return err
	}
	if has, err := a.Accounts.HasUsers(ctx); err == nil && !has {
		logger.Warn("no accounts yet: create the first vendor_admin with `steward user add --role vendor_admin --email … --name …` (password on stdin), or set STEWARD_ADMIN_EMAIL and STEWARD_ADMIN_PASSWORD")
	}
	return a.Serve(ctx, func(addr string) {
		logger.Info("serving", "addr", addr, "database", string(a.DB.Dialect()), "ready_after", time.Since(started).String())
		fmt.Fprintf(stdout, "Steward is running at http://%s/\n", addr)
		if cfg.Demo {
			printDemoLogins(stdout)
		}
	})
}

func printDemoLogins(out io.Writer) {
	fmt.Fprintf(out, "\nDemo logins (password for all: %s):\n", app.DemoPassword)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, l := range app.DemoLogins() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", l.Email, l.Role, l.Org)
	}
	tw.Flush()
}
