package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/calendar"
	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/community"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/hotline"
	"steward.dev/steward/internal/ideas"
	"steward.dev/steward/internal/license"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/oncall"
	"steward.dev/steward/internal/patch"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/confirm"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/jobs"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/search"
	"steward.dev/steward/internal/platform/signing"
	"steward.dev/steward/internal/platform/web"
	webfiles "steward.dev/steward/web"
)

// App is a built Steward: its database, services and HTTP handler.
type App struct {
	Config   Config
	DB       *db.DB
	Accounts *account.Service
	Notices  *notice.Service
	Jobs     *jobs.Runner // background work: rooms register handlers in Build; Serve runs it
	// Access is data-access transparency: later rooms register the objects
	// that own attachments (RegisterOwner) and check reads through it.
	Access      *audit.Access
	Attachments *attachment.Service
	// Catalog is the service catalog; InEffect answers which version holds
	// at an instant, and its OnChange hook tells the entitlement engine.
	Catalog *catalog.Service
	// Products is the lifecycle table; Contracts what each organisation
	// bought. Their OnChange hooks tell the entitlement engine.
	Products  *lifecycle.Service
	Contracts *contract.Service
	// Entitlements answers what each organisation may use, and why (not);
	// it keeps the quota ledger.
	Entitlements *entitlement.Service
	// Blobs keeps the bytes of attachments and patch artifacts: local files
	// under <data dir>/blobs, or an S3-compatible store when configured.
	Blobs blob.Store
	// Keys are the vendor's signing keys (patch artifacts, licenses).
	Keys *signing.Keyring
	// Patches are the vendor's patches with their signed files, entitled
	// downloads and per-organisation download counts.
	Patches *patch.Service
	// Licenses are the signed license files issued from contracts, their
	// upgrades and the revocation list.
	Licenses *license.Service
	// Calendars are the business-hours calendars SLA clocks run on, with
	// the Chinese public holidays.
	Calendars *calendar.Service
	// Notify publishes events to e-mail, webhooks and group robots through
	// the delivery log and the job runner.
	Notify *notify.Notifier
	// OnCall is the vendor's rota and escalation: who is on call, and the
	// pages that escalate level by level until someone acknowledges.
	OnCall *oncall.Service
	// Hotline is the fatal-failure rescue: reports on the quota, their
	// states, SLA clocks and timeline.
	Hotline *hotline.Service
	// Community is the help center: categories and articles, searchable
	// as soon as they are published.
	Community *community.Service
	// Ideas is the Innovation Square: customers' ideas, their votes and
	// followers, and product managers' answers.
	Ideas   *ideas.Service
	Router  *web.Router
	Handler http.Handler
}

// New opens and migrates the database and builds every room.
func New(ctx context.Context, cfg Config) (*App, error) {
	cfg.setDefaults()
	d, err := db.Open(ctx, cfg.DataDir, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a, err := Build(cfg, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// Build assembles the app on an open, migrated database (tests use it with
// databases from dbtest).
func Build(cfg Config, d *db.DB) (*App, error) {
	cfg.setDefaults()
	recorder := audit.NewRecorder(cfg.Clock)
	confirmer, err := confirm.Load(context.Background(), d, cfg.Clock)
	if err != nil {
		return nil, err
	}
	accounts := account.NewService(account.Deps{Store: account.NewStore(d), Audit: recorder, Confirm: confirmer,
		Clock: cfg.Clock, Hasher: cfg.Hasher, RestoreWindow: cfg.RestoreWindow})
	notices := notice.NewService(notice.NewStore(d), recorder, cfg.Clock)
	a := &App{Config: cfg, DB: d, Accounts: accounts, Notices: notices, Jobs: jobs.NewRunner(d, cfg.Clock, cfg.Logger)}
	pages, err := web.NewRenderer(webfiles.Files, a.chrome)
	if err != nil {
		return nil, err
	}
	metrics := web.NewMetrics()
	rt := web.NewRouter(metrics, pages)
	a.Router = rt

	if err := a.platformRoutes(rt, metrics); err != nil {
		return nil, err
	}
	account.NewAPI(accounts).Routes(rt)
	audit.NewAPI(audit.NewStore(d)).Routes(rt)
	account.NewPages(accounts, pages).Routes(rt)
	notice.NewAPI(notices).Routes(rt)
	notice.NewPages(notices, pages).Routes(rt)
	rt.Page("GET /console/jobs", a.jobsPage(pages))
	a.Jobs.Every("users.purge", time.Hour, func(ctx context.Context, _ jobs.Job) error {
		_, err := accounts.PurgeDeleted(ctx)
		return err
	})
	if a.Blobs, err = openBlobs(cfg); err != nil {
		return nil, err
	}
	if err := a.buildKeys(recorder, rt); err != nil {
		return nil, err
	}
	if err := a.buildAccess(recorder, pages, rt); err != nil {
		return nil, err
	}
	a.buildCatalog(recorder, pages, rt)
	a.buildContracts(recorder, pages, rt)
	a.buildEntitlements(recorder, pages, rt)
	if err := a.buildPatches(recorder, pages, rt); err != nil {
		return nil, err
	}
	a.buildLicenses(recorder, pages, rt)
	a.buildCalendars(recorder, pages, rt)
	a.buildNotify(recorder, pages, rt)
	a.buildOnCall(recorder, pages, rt)
	if err := a.buildHotline(recorder, metrics, pages, rt); err != nil {
		return nil, err
	}
	a.buildCommunity(recorder, pages, rt)
	a.buildIdeas(recorder, pages, rt)

	pages.SetServed(rt.Serves)
	mw := &web.Middleware{Auth: accounts, Metrics: metrics, Pages: pages, Logger: cfg.Logger, TrustProxy: cfg.TrustProxy}
	a.Handler = mw.Wrap(rt)
	return a, nil
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Prepare runs the start-up work that must finish before serving: the
// default catalog (installed once), the configured admin, then demo data.
func (a *App) Prepare(ctx context.Context) error {
	if err := a.Catalog.InstallDefault(ctx); err != nil {
		return fmt.Errorf("default catalog: %w", err)
	}
	if err := a.Calendars.Seed(ctx); err != nil {
		return fmt.Errorf("holiday calendar: %w", err)
	}
	if err := a.OnCall.EnsureDefaults(ctx); err != nil {
		return fmt.Errorf("default rota and escalation policy: %w", err)
	}
	if a.Config.AdminEmail != "" || a.Config.AdminPassword != "" {
		if err := a.ensureAdmin(ctx); err != nil {
			return err
		}
	}
	if a.Config.Demo {
		if err := LoadDemo(ctx, a.Accounts); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if err := loadDemoContracts(ctx, a.Products, a.Contracts); err != nil {
			return fmt.Errorf("demo contracts: %w", err)
		}
		if err := loadDemoPatches(ctx, a.Patches); err != nil {
			return fmt.Errorf("demo patches: %w", err)
		}
		if err := loadDemoLicenses(ctx, a.Licenses); err != nil {
			return fmt.Errorf("demo licenses: %w", err)
		}
		if err := loadDemoOnCall(ctx, account.NewStore(a.DB), a.OnCall); err != nil {
			return fmt.Errorf("demo rota: %w", err)
		}
		if err := loadDemoRescues(ctx, account.NewStore(a.DB), a.Hotline.Quiet()); err != nil {
			return fmt.Errorf("demo rescues: %w", err)
		}
		if err := loadDemoCommunity(ctx, a.Community); err != nil {
			return fmt.Errorf("demo help center: %w", err)
		}
		if err := loadDemoCourses(ctx, a.Community); err != nil {
			return fmt.Errorf("demo courses: %w", err)
		}
		if err := loadDemoQuestions(ctx, account.NewStore(a.DB), a.Community); err != nil {
			return fmt.Errorf("demo questions: %w", err)
		}
		if err := loadDemoIdeas(ctx, account.NewStore(a.DB), a.Ideas); err != nil {
			return fmt.Errorf("demo ideas: %w", err)
		}
	}
	return nil
}

// Serve listens on the configured address and runs the background jobs until
// ctx ends, then lets in-flight requests finish (up to 20 s) and waits for the
// job runner to stop before returning.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go search.Warm() // the dictionary loads beside the first requests, not before them
	defer a.runJobs(ctx)()
	defer a.flushDownloads(ctx)()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
