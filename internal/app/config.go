// Package app wires Steward together: it opens the database, builds every
// room's store, service and handlers, and runs the HTTP server.
package app

import (
	"log/slog"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/patch"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/notify"
)

// Config is everything serve needs; cmd/steward fills it from flags and
// STEWARD_* variables.
type Config struct {
	Addr          string // listen address, e.g. 127.0.0.1:8080
	DataDir       string // SQLite database and files
	DatabaseURL   string // PostgreSQL instead of SQLite when set
	Demo          bool   // load the demo organisations and users
	AdminEmail    string // a vendor_admin that exists after every start
	AdminPassword string
	MetricsPublic bool // serve /metrics to every address, not only loopback
	TrustProxy    bool // client addresses come from X-Forwarded-For (behind a reverse proxy)
	// CommunityRequiresLogin closes the help center, questions and courses
	// to visitors who are not signed in (open by default).
	CommunityRequiresLogin bool

	// S3, when its Endpoint is set, keeps file bytes in an S3-compatible
	// bucket instead of <DataDir>/blobs (what several instances share).
	S3 blob.S3Config

	// SMTP is the mail server of e-mail notifications; without its Addr
	// e-mail deliveries are recorded as skipped.
	SMTP notify.SMTPConfig

	// PublicURL is the address people reach Steward at (https://host); the
	// links in e-mails and robot messages are made absolute with it.
	PublicURL string

	// RestoreWindow is how long deleted customer data stays restorable
	// before the purge job removes it (default 30 days).
	RestoreWindow time.Duration

	// PatchMaxBytes is the largest patch file accepted (default 4 GiB).
	PatchMaxBytes int64

	// JobPoll is how often the job runner looks for due jobs (default 5 s).
	JobPoll time.Duration

	Clock  clock.Clock
	Hasher account.Hasher
	Logger *slog.Logger
}

// DefaultPatchMaxBytes is the largest patch file accepted unless
// configured otherwise.
const DefaultPatchMaxBytes = patch.DefaultMaxFileSize

// DefaultJobPoll is how often the job runner looks for due jobs.
const DefaultJobPoll = 5 * time.Second

// DefaultRestoreWindow keeps deleted data restorable for 30 days.
const DefaultRestoreWindow = 30 * 24 * time.Hour

func (c *Config) setDefaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Hasher == (account.Hasher{}) {
		c.Hasher = account.DefaultHasher
	}
	if c.RestoreWindow <= 0 {
		c.RestoreWindow = DefaultRestoreWindow
	}
	if c.PatchMaxBytes <= 0 {
		c.PatchMaxBytes = DefaultPatchMaxBytes
	}
	if c.JobPoll <= 0 {
		c.JobPoll = DefaultJobPoll
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}
