package app_test

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/search"
)

// TestSearchRebuildRepairsAnEmptiedIndex: with the help center's articles and
// the questions gone from the index, a search finds nothing; the rebuild puts
// them back, each type audited with its count, and the search finds the right
// article again.
func TestSearchRebuildRepairsAnEmptiedIndex(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		find := func() []string {
			var ids []string
			for _, h := range e.Do(apptest.Request{Method: "GET", Path: "/api/v1/search?type=article&q=" + url.QueryEscape("月底关账之前需要做哪些检查")}).Items() {
				ids = append(ids, h["id"].(string))
			}
			return ids
		}
		questions := func() int {
			return len(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/search?type=question&q=" + url.QueryEscape("凭证")}).Items())
		}
		err := e.App.DB.InTx(ctx, func(tx *db.Tx) error {
			tx.MarkAudited() // a stand-in for whatever emptied it
			for _, docType := range []string{"article", "question"} {
				if _, err := search.NewDBIndex(e.App.DB).Clear(ctx, tx, docType); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, n := find(), questions(); len(got) != 0 || n != 0 {
			t.Fatalf("the emptied index still finds %v and %d questions", got, n)
		}
		done, err := e.App.RebuildSearch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(done, func(r search.Rebuilt) bool { return r.Type == "article" })
		j := slices.IndexFunc(done, func(r search.Rebuilt) bool { return r.Type == "question" })
		if i < 0 || done[i].Indexed < 30 || done[i].Removed != 0 || j < 0 || done[j].Indexed < 40 {
			t.Fatalf("rebuilt %+v, want the 30 or more demo articles and 40 or more questions", done)
		}
		if n := questions(); n == 0 {
			t.Error("after the rebuild no question about vouchers is found")
		}
		if got := find(); slices.Index(got, "art-close-checklist") < 0 || slices.Index(got, "art-close-checklist") > 2 {
			t.Errorf("after the rebuild the period-close checklist is not in the top 3: %v", got)
		}
		var audited int
		if err := e.App.DB.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'search.rebuild' AND target_id = 'article'`).Scan(&audited); err != nil || audited != 1 {
			t.Errorf("%d audit records of the rebuild (%v), want 1", audited, err)
		}
	})
}
