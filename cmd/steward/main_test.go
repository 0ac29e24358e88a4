package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/db"
)

func steward(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, slog.New(slog.DiscardHandler))
	return out.String(), err
}

func TestUserAddMigrateAndBackup(t *testing.T) {
	dir := t.TempDir()
	out, err := steward(t, "", "migrate", "--data", dir)
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	out, err = steward(t, "a-strong-password\n", "user", "add", "--data", dir, "--email", "Boss@Vendor.example", "--name", "Boss", "--role", "vendor_admin")
	if err != nil || !strings.Contains(out, "created vendor_admin Boss@Vendor.example") {
		t.Fatalf("user add: %v %s", err, out)
	}
	_, err = steward(t, "short\n", "user", "add", "--data", dir, "--email", "x@vendor.example", "--name", "X", "--role", "agent")
	if err == nil || !strings.Contains(err.Error(), "--password must be at least 10 characters") {
		t.Fatalf("weak password from stdin: %v", err)
	}
	_, err = steward(t, "a-strong-password\n", "user", "add", "--data", dir, "--email", "c@customer.example", "--name", "C", "--role", "customer_admin")
	if err == nil || !strings.Contains(err.Error(), "--org") {
		t.Fatalf("customer without org: %v", err)
	}
	_, err = steward(t, "a-strong-password\n", "user", "add", "--data", dir, "--email", "c@customer.example", "--name", "C", "--role", "customer_admin", "--org", "org_missing")
	if err == nil || !strings.Contains(err.Error(), "--org does not exist") {
		t.Fatalf("customer of a missing org: %v", err)
	}

	backup := filepath.Join(t.TempDir(), "copy.db")
	if out, err := steward(t, "", "backup", backup, "--data", dir); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	d, err := db.OpenSQLite(context.Background(), backup)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var email string
	if err := d.QueryRow(context.Background(), "SELECT email FROM users").Scan(&email); err != nil || email != "Boss@Vendor.example" {
		t.Fatalf("the backup holds %q (%v)", email, err)
	}
	if _, err := steward(t, "", "backup", backup, "--database-url", "postgres://localhost/x"); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup on postgres: %v", err)
	}
}

func TestServeStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, printed := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, strings.NewReader(""), printed, slog.New(slog.DiscardHandler))
		printed.Close()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v", err)
	}
	go io.Copy(io.Discard, stdout)
	base := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "Steward is running at "), "/")
	res, err := http.Get(base + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz at %s: %v %v", base, err, res)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after the signal", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := http.Get(base + "/livez"); err == nil {
		t.Fatal("the server still answers after stopping")
	}
}
