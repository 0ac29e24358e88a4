package app_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/jobs"
)

// consolePage gets a page as the demo user in lang.
func consolePage(e *apptest.Env, path, email, lang string) apptest.Response {
	return e.Do(apptest.Request{Method: "GET", Path: path, Header: map[string]string{
		"Cookie": "steward_session=" + e.Login(email) + "; steward_lang=" + lang}})
}

func TestAScheduledJobRunsAndShowsInTheConsole(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		var ticks, flaky atomic.Int32
		e.App.Jobs.Every("test.tick", time.Hour, func(_ context.Context, j jobs.Job) error {
			ticks.Add(1)
			if want := apptest.Start.Truncate(time.Hour); !j.RunAt.Equal(want) {
				t.Errorf("due %v, want %v", j.RunAt, want)
			}
			return nil
		})
		e.App.Jobs.Handle("test.flaky", func(context.Context, jobs.Job) error {
			flaky.Add(1)
			return errors.New("mail server unreachable")
		})
		if err := jobs.Enqueue(ctx, e.App.DB, e.Clock.Now(), "test.flaky", nil, e.Clock.Now(), ""); err != nil {
			t.Fatal(err)
		}
		// The rooms' own jobs run too; count only this test's.
		for range 2 { // the second run in the same hour (and before the retry is due) runs neither again
			if _, err := e.App.Jobs.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			if ticks.Load() != 1 || flaky.Load() != 1 {
				t.Fatalf("the tick ran %d times and the flaky job %d, want once each", ticks.Load(), flaky.Load())
			}
		}

		for _, c := range []struct {
			lang string
			want []string
		}{
			{"zh-CN", []string{"后台任务", "test.tick", "已完成", "2026-11-27 10:00", "1/5", "test.flaky", "等待中", "mail server unreachable"}},
			{"en", []string{"Background jobs", "Due (Beijing time)", "Done", "Pending", "1/5", "mail server unreachable"}},
		} {
			res := consolePage(e, "/console/jobs", "admin@steward.demo", c.lang)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d", c.lang, res.Status)
			}
			for _, want := range c.want {
				if !strings.Contains(string(res.Body), want) {
					t.Errorf("%s: the jobs page lacks %q", c.lang, want)
				}
			}
		}
		if body := string(consolePage(e, "/console", "admin@steward.demo", "en").Body); !strings.Contains(body, `href="/console/jobs"`) {
			t.Error("the console navigation has no link to the jobs page for the vendor_admin")
		}

		for _, who := range []string{"agent@steward.demo", "engineer@steward.demo", "admin@yunqi.demo"} {
			res := consolePage(e, "/console/jobs", who, "en")
			if res.Status != http.StatusForbidden || strings.Contains(string(res.Body), "test.tick") {
				t.Errorf("%s on the jobs page: %d, want 403", who, res.Status)
			}
			if who == "agent@steward.demo" && strings.Contains(string(consolePage(e, "/console", who, "en").Body), `href="/console/jobs"`) {
				t.Error("an agent's navigation links to the jobs page")
			}
		}
	})
}

func TestServeRunsJobsUntilItStops(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.App.Config.JobPoll = 10 * time.Millisecond
		ran := make(chan struct{}, 10)
		e.App.Jobs.Handle("test.once", func(context.Context, jobs.Job) error { ran <- struct{}{}; return nil })
		enqueue := func() {
			if err := jobs.Enqueue(context.Background(), e.App.DB, e.Clock.Now(), "test.once", nil, e.Clock.Now(), ""); err != nil {
				t.Fatal(err)
			}
		}
		enqueue()
		_, stop := serve(t, e)
		select {
		case <-ran:
		case <-time.After(10 * time.Second):
			t.Fatal("a due job did not run while serving")
		}
		stop()
		enqueue()
		time.Sleep(100 * time.Millisecond)
		if len(ran) != 0 {
			t.Error("a job ran after Serve returned")
		}
	})
}
