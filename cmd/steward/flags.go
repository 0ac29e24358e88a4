package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/platform/notify"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// env returns the STEWARD_* variable or the fallback.
func env(name, fallback string) string {
	if v, ok := os.LookupEnv("STEWARD_" + name); ok {
		return v
	}
	return fallback
}

func envBool(name string) bool {
	b, _ := strconv.ParseBool(env(name, "false"))
	return b
}

func envInt(name string, fallback int) int { return int(envInt64(name, int64(fallback))) }

func envInt64(name string, fallback int64) int64 {
	n, err := strconv.ParseInt(env(name, strconv.FormatInt(fallback, 10)), 10, 64)
	if err != nil {
		return fallback
	}
	return n
}

// storageFlags are the flags that say where the data lives.
func storageFlags(fs *flag.FlagSet, cfg *app.Config) {
	fs.StringVar(&cfg.DataDir, "data", env("DATA", "data"), "data directory: SQLite database and files (STEWARD_DATA)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL; SQLite in --data when empty (STEWARD_DATABASE_URL)")
	fs.StringVar(&cfg.S3.Endpoint, "s3-endpoint", env("S3_ENDPOINT", ""), "S3-compatible store (host:port) for file bytes; files under --data when empty (STEWARD_S3_ENDPOINT)")
	fs.StringVar(&cfg.S3.Bucket, "s3-bucket", env("S3_BUCKET", ""), "bucket of the S3 store, created when missing (STEWARD_S3_BUCKET)")
	fs.StringVar(&cfg.S3.AccessKey, "s3-access-key", env("S3_ACCESS_KEY", ""), "access key of the S3 store; the secret key is read only from STEWARD_S3_SECRET_KEY (STEWARD_S3_ACCESS_KEY)")
	fs.StringVar(&cfg.S3.Region, "s3-region", env("S3_REGION", ""), "region of the S3 store, when it needs one (STEWARD_S3_REGION)")
	fs.BoolVar(&cfg.S3.TLS, "s3-tls", envBool("S3_TLS"), "reach the S3 store over https (STEWARD_S3_TLS)")
	fs.StringVar(&cfg.S3.Prefix, "s3-prefix", env("S3_PREFIX", ""), "folder in the bucket for Steward's objects, e.g. steward/ (STEWARD_S3_PREFIX)")
	// Only from the environment: a flag's value shows in the process list
	// (ps, /proc/PID/cmdline) to every user of the machine.
	cfg.S3.SecretKey = env("S3_SECRET_KEY", "")
}

// smtpFlags are the mail server of e-mail notifications and the address
// their links point at.
func smtpFlags(fs *flag.FlagSet, cfg *app.Config) {
	fs.StringVar(&cfg.PublicURL, "public-url", env("PUBLIC_URL", ""), "the address people reach Steward at, e.g. https://steward.example.com; links in e-mails and robot messages start with it (STEWARD_PUBLIC_URL)")
	fs.StringVar(&cfg.SMTP.Addr, "smtp-addr", env("SMTP_ADDR", ""), "mail server (host:port) for e-mail notifications; e-mail is off when empty (STEWARD_SMTP_ADDR)")
	fs.StringVar(&cfg.SMTP.From, "smtp-from", env("SMTP_FROM", ""), "sender of notification e-mail, e.g. \"Steward <steward@example.com>\" (STEWARD_SMTP_FROM)")
	fs.StringVar(&cfg.SMTP.Username, "smtp-username", env("SMTP_USERNAME", ""), "user name for SMTP AUTH PLAIN; the password is read only from STEWARD_SMTP_PASSWORD (STEWARD_SMTP_USERNAME)")
	// Like the S3 secret: never a flag, so it does not show in the process list.
	cfg.SMTP.Password = env("SMTP_PASSWORD", "")
}

// checkPublicURL refuses a --public-url that e-mail readers could not open.
func checkPublicURL(raw string) error {
	if raw == "" {
		return nil
	}
	if _, ok := notify.CheckURL(raw); !ok {
		return fmt.Errorf("--public-url %q must be a full http or https address such as https://steward.example.com", raw)
	}
	return nil
}

func newFlagSet(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("steward "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}

// parseInterspersed parses args in which flags and positional arguments may
// mix (steward backup FILE --data DIR) and returns the positional ones, in
// order; everything after "--" is positional. --help is not an error; a bad
// flag is a usage error.
func parseInterspersed(fs *flag.FlagSet, args []string) (positional []string, err error) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %w", err, errUsage)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
