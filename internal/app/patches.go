package app

import (
	"context"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/patch"
	"steward.dev/steward/internal/platform/jobs"
	"steward.dev/steward/internal/platform/signing"
	"steward.dev/steward/internal/platform/web"
)

// downloadFlushEvery is how often each instance adds its in-memory download
// counts to the database.
const downloadFlushEvery = 30 * time.Second

// buildPatches wires the patch room on the lifecycle table (products), the
// contracts and the entitlement engine (who may download), the blob store
// and the signing keys; fills the lifecycle table's latest patch levels;
// and schedules the daily scrub. Call it after buildEntitlements.
func (a *App) buildPatches(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) error {
	linkKey, err := patch.LoadLinkKey(context.Background(), a.DB)
	if err != nil {
		return err
	}
	a.Patches = patch.NewService(patch.Deps{Store: patch.NewStore(a.DB), Blobs: a.Blobs, Audit: rec, Clock: a.Config.Clock,
		Product: func(ctx context.Context, code string) error {
			_, err := a.Products.Product(ctx, code)
			return err
		},
		Sign: func(sha string, size int64) ([]byte, string, error) {
			sig, keyID := a.Keys.Sign(signing.FileStatement(sha, size))
			return sig, keyID, nil
		},
		Entitled: func(ctx context.Context, orgID string, at time.Time) error {
			_, err := a.Entitlements.Check(ctx, orgID, patch.DownloadService, at)
			return err
		},
		Contracts: a.activeContracts, Orgs: a.orgName, Notices: a.Notices, VendorAdmins: a.Accounts.VendorAdminIDs,
		MaxFileSize: a.Config.PatchMaxBytes, LinkKey: linkKey})
	a.Keys.OnRetire(a.Patches.Resign)
	patch.NewAPI(a.Patches).Routes(rt)
	patch.NewPages(a.Patches, pages).Routes(rt)
	patch.NewPublicPages(a.Patches, pages).Routes(rt)
	a.Products.UseLatest(func(ctx context.Context, product, version string) (*lifecycle.Latest, error) {
		l, err := a.Patches.Latest(ctx, product, version)
		if l == nil || err != nil {
			return nil, err
		}
		return &lifecycle.Latest{Name: l.Number, Date: l.Date, Link: l.Path}, nil
	})
	a.Jobs.Every("patch.scrub", 24*time.Hour, func(ctx context.Context, _ jobs.Job) error {
		_, err := a.Patches.Scrub(ctx)
		return err
	})
	return nil
}

// activeContracts is what the patch room needs of an organisation's
// contracts: the active ones' product and version.
func (a *App) activeContracts(ctx context.Context, orgID string) ([]patch.OrgContract, error) {
	all, err := a.Contracts.OrgContracts(ctx, orgID)
	var out []patch.OrgContract
	for _, c := range all {
		if c.Status == contract.Active {
			out = append(out, patch.OrgContract{ID: c.ID, Product: c.Product, Version: c.Version})
		}
	}
	return out, err
}

// flushDownloads adds this instance's download counts to the database every
// downloadFlushEvery until ctx ends; the returned func stops it after one
// last flush (graceful shutdown).
func (a *App) flushDownloads(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	flush := func() {
		if err := a.Patches.Downloads.Flush(context.WithoutCancel(ctx)); err != nil {
			a.Config.Logger.Error("flush patch download counts", "err", err)
		}
	}
	go func() {
		defer close(done)
		tick := time.NewTicker(downloadFlushEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				flush()
			}
		}
	}()
	return func() {
		cancel()
		<-done
		flush()
	}
}
