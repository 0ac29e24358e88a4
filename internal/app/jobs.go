package app

import (
	"context"
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/jobs"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// recentJobs is how many jobs the console lists.
const recentJobs = 200

// jobsPage serves GET /console/jobs: the latest jobs of every instance, for
// the vendor_admin (everyone else gets 403).
func (a *App) jobsPage(pages *web.Renderer) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		who, err := web.RequireActor(r)
		if err != nil {
			return err
		}
		if !who.Can(actor.WatchJobs) {
			return problem.ErrForbidden
		}
		list, err := jobs.Recent(r.Context(), a.DB, recentJobs)
		if err != nil {
			return err
		}
		return pages.Render(w, r, http.StatusOK, "console_jobs", list)
	}
}

// runJobs starts the job runner, polling every Config.JobPoll until ctx ends;
// the returned func stops it and waits until the job in hand has returned.
func (a *App) runJobs(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Jobs.Run(ctx, a.Config.JobPoll)
	}()
	return func() {
		cancel()
		<-done
	}
}
