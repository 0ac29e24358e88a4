package community_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/community"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/search"
)

var benchQuestions = flag.Int("qa.questions", 0, "questions (with two answers each) generated besides the demo's for BenchmarkCommunityPages")

// BenchmarkCommunityPages renders the community pages people open most, as
// a visitor, through the whole app in process on the demo content (plus
// -qa.questions generated questions): the question list, a question with
// its answers, a help article, the hub and a search page. On SQLite, and on
// PostgreSQL when STEWARD_TEST_PG is set.
func BenchmarkCommunityPages(b *testing.B) {
	eachDemoApp(b, func(b *testing.B, a *app.App) {
		generate(b, a.Community, *benchQuestions)
		for _, path := range []string{"/community/questions", "/community/questions?sort=votes", "/community/questions/q-unaudit-posted",
			"/help/articles/art-voucher-audit", "/community", "/community/search?q=" + url.QueryEscape("凭证过账以后还能反审核吗")} {
			b.Run(path, func(b *testing.B) {
				for b.Loop() {
					w := httptest.NewRecorder()
					a.Handler.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
					if w.Code != http.StatusOK {
						b.Fatalf("GET %s: %d", path, w.Code)
					}
				}
			})
		}
	})
}

// eachDemoApp runs fn on an app with the demo content and the dictionary
// loaded (once per process, not a page's cost), on SQLite, and on PostgreSQL
// when STEWARD_TEST_PG is set.
func eachDemoApp(b *testing.B, fn func(b *testing.B, a *app.App)) {
	bases := map[string]func(testing.TB) *db.DB{"sqlite": dbtest.SQLite}
	if os.Getenv(dbtest.PostgresEnv) != "" {
		bases["postgres"] = dbtest.Postgres
	}
	for name, open := range bases {
		b.Run(name, func(b *testing.B) {
			a, err := app.Build(app.Config{Demo: true, Clock: clock.NewManual(apptest.Start), Hasher: apptest.FastHasher,
				DataDir: b.TempDir(), Logger: slog.New(slog.DiscardHandler)}, open(b))
			if err != nil {
				b.Fatal(err)
			}
			if err := a.Prepare(context.Background()); err != nil {
				b.Fatal(err)
			}
			search.Warm()
			fn(b, a)
		})
	}
}

// generate adds n questions with two answers each, the first accepted.
func generate(b *testing.B, svc *community.Service, n int) {
	asker := &actor.Actor{UserID: "u_bench_asker", Name: "压测提问人", OrgID: "org_demo_cloud", Role: actor.CustomerMember}
	staff := &actor.Actor{UserID: "u_bench_staff", Name: "压测客服", Role: actor.Agent}
	start := apptest.Start.Add(-365 * 24 * time.Hour)
	list := make([]community.ImportedQuestion, n)
	for i := range list {
		at := start.Add(time.Duration(i) * time.Minute)
		id := fmt.Sprintf("q-bench-%06d", i)
		list[i] = community.ImportedQuestion{ID: id, Asker: asker, At: at,
			Input: community.QuestionInput{Title: fmt.Sprintf("第 %d 号仓库的出库单保存时提示库存不足", i), Body: "出库单保存时提示库存不足，但即时库存查询有货。",
				Product: "k3cloud", Tags: []string{"库存", fmt.Sprintf("仓库%d", i%50)}},
			Answers: []community.ImportedAnswer{
				{ID: id + "-a1", Author: staff, Body: "检查**库存状态**和批号是否一致，再看是否启用了预留。", Accepted: true, At: at.Add(time.Hour)},
				{ID: id + "-a2", Author: asker, Body: "我们也遇到过，是批号不一致。", At: at.Add(2 * time.Hour)},
			}}
	}
	if n > 0 {
		if err := svc.ImportQuestions(context.Background(), list); err != nil {
			b.Fatal(err)
		}
	}
}
