package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"steward.dev/steward/pkg/licensefile"
)

const licenseUsage = `steward license: licenses issued by Steward.

  steward license verify [--server URL] [--keys URL|FILE] [--revoked URL|FILE] [--at TIME] FILE

Run "steward license verify --help" for its flags.
`

const licenseVerifyHelp = `steward license verify: check a license file as the vendor's software would.

  steward license verify [--server URL] [--keys URL|FILE] [--revoked URL|FILE] [--at TIME] FILE

It reads the file, checks its Ed25519 signature with the vendor's public keys
(--keys: a saved copy of GET /api/v1/keys or its URL; else the server's), the
revocation list (--revoked: a saved copy of GET /api/v1/licenses/revoked or its
URL; else the server's when --server is given) and the validity in Beijing
days, now or at --at. With --keys and --revoked files it works offline.

It prints what the license grants in words and exits 0 when it is valid, or
prints "FAILED" with the reason (damaged, bad signature, unknown or retired
key, revoked, not yet valid, expired) and exits 1.

Flags:
`

func licenseCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "verify" {
		return licenseVerify(ctx, args[1:], stdout)
	}
	fmt.Fprint(stdout, licenseUsage)
	if len(args) > 0 && args[0] != "-h" && args[0] != "--help" && args[0] != "help" {
		return fmt.Errorf("unknown license command %q: %w", args[0], errUsage)
	}
	return nil
}

func licenseVerify(ctx context.Context, args []string, stdout io.Writer) error {
	var server, keysFrom, revokedFrom, at string
	fs := newFlagSet("license verify", stdout)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), licenseVerifyHelp)
		fs.PrintDefaults()
	}
	fs.StringVar(&server, "server", env("SERVER", ""), "the server's URL, like http://127.0.0.1:8080 (STEWARD_SERVER)")
	fs.StringVar(&keysFrom, "keys", "", "the public keys: a file saved from GET /api/v1/keys, or a URL; default the server's")
	fs.StringVar(&revokedFrom, "revoked", "", "the revocation list: a file saved from GET /api/v1/licenses/revoked, or a URL; default the server's")
	fs.StringVar(&at, "at", "", "check at this instant (RFC 3339, e.g. 2027-01-01T00:00:00+08:00) instead of now")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("name one license file: steward license verify [flags] FILE: %w", errUsage)
	}
	if server == "" && keysFrom == "" {
		return fmt.Errorf("give --server, or --keys to verify offline: %w", errUsage)
	}
	now := time.Now()
	if at != "" {
		if now, err = time.Parse(time.RFC3339, at); err != nil {
			return fmt.Errorf("--at must be an instant like 2027-01-01T00:00:00+08:00: %w", errUsage)
		}
	}
	var c *apiClient
	if server != "" {
		if c, err = newAPIClient(server, ""); err != nil {
			return err
		}
	}
	file := files[0]
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	rawKeys, err := readDocument(ctx, c, keysFrom, "/api/v1/keys")
	if err != nil {
		return fmt.Errorf("public keys: %w", err)
	}
	keys, err := licensefile.ParseKeys(rawKeys)
	if err != nil {
		return err
	}
	var opts []licensefile.Option
	revocation := "not checked (no --revoked or --server)"
	if revokedFrom != "" || c != nil {
		raw, err := readDocument(ctx, c, revokedFrom, "/api/v1/licenses/revoked")
		if err != nil {
			return fmt.Errorf("revocation list: %w", err)
		}
		rl, err := licensefile.ParseRevocationList(raw, keys)
		if err != nil {
			return fmt.Errorf("revocation list: %w", err)
		}
		opts = append(opts, licensefile.WithRevocations(rl))
		revocation = fmt.Sprintf("checked against list %d of %s (%d revoked)", rl.Sequence, beijingTime(rl.IssuedAt), len(rl.Revoked))
	}
	l, err := licensefile.Verify(data, keys, now, opts...)
	if err != nil {
		var le *licensefile.Error
		if errors.As(err, &le) && le.License != nil {
			describeLicense(stdout, le.License, revocation)
		}
		return fmt.Errorf("FAILED %s: %s", file, strings.TrimPrefix(err.Error(), "licensefile: "))
	}
	fmt.Fprintf(stdout, "OK  %s: valid on %s (Beijing)\n", file, now.In(licensefile.Beijing).Format(time.DateOnly))
	describeLicense(stdout, l, revocation)
	return nil
}

// describeLicense prints what a license grants, in words.
func describeLicense(w io.Writer, l *licensefile.License, revocation string) {
	validity := l.ValidFrom + " to " + l.ValidUntil + " (Beijing days, inclusive)"
	if l.Perpetual() {
		validity = "from " + l.ValidFrom + ", perpetual"
	}
	modules := strings.Join(l.Modules, ", ")
	if modules == "" {
		modules = "none"
	}
	rows := [][2]string{{"License", l.LicenseID}, {"Organisation", l.OrgName + " (" + l.OrgID + ")"},
		{"Product", l.Product + " " + l.Version + ", " + l.Deployment}, {"Modules", modules},
		{"Users", fmt.Sprint(l.Users)}, {"Valid", validity}}
	if l.Supersedes != "" {
		rows = append(rows, [2]string{"Supersedes", l.Supersedes})
	}
	rows = append(rows, [2]string{"Issued", beijingTime(l.IssuedAt)}, [2]string{"Key", l.KeyID}, [2]string{"Revocation", revocation})
	for _, r := range rows {
		fmt.Fprintf(w, "  %-13s %s\n", r[0]+":", r[1])
	}
}

func beijingTime(t time.Time) string {
	return t.In(licensefile.Beijing).Format("2006-01-02 15:04") + " Beijing"
}
