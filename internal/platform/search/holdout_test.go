package search

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// The held-out relevance set (testdata/eval/holdout): help articles on ERP
// topics the demo content does not cover, and paraphrased queries for them,
// written apart from the evaluation set the method is tuned on. It shows
// whether the method generalises, so whoever tunes it sees only the aggregate:
// the queries and their misses are logged only with STEWARD_HOLDOUT_DETAILS=1.
//
// The top-3 floor is the target: the right article in the top 3 for
// at least 88% of held-out queries. When the set was written the method
// reached 0.843 (SQLite) and 0.865 (PostgreSQL); after one trust scale for
// every room (b304826) it reaches 0.933 and 0.888, Recall@5 0.949 and 0.927,
// nDCG@10 0.868 and 0.822. The other floors sit a little under those.
const (
	holdoutTop3Floor   = 0.88
	holdoutRecallFloor = 0.90
	holdoutNDCGFloor   = 0.80
)

// holdoutDocs reads the held-out articles the way evalCorpus reads the demo
// ones, both languages in one document.
func holdoutDocs(t *testing.T) []Doc {
	t.Helper()
	var articles []struct {
		ID, Product string
		Tags        []string
		Title, Body bilingual
	}
	readJSON(t, filepath.Join("testdata", "eval", "holdout", "articles.json"), &articles)
	var docs []Doc
	for _, a := range articles {
		docs = append(docs, Doc{Type: "article", ID: a.ID, Product: a.Product, UpdatedAt: when,
			Title: a.Title.Zh + " " + a.Title.En,
			Body:  strings.Join(a.Tags, " ") + "\n" + a.Body.Zh + "\n" + a.Body.En})
	}
	return docs
}

func TestHoldoutRelevance(t *testing.T) {
	// evaluate logs each miss when SEARCH_EVAL_MISSES is set, the switch used
	// while tuning on the evaluation set; here it follows the held-out switch
	// alone, so tuning with misses shown never reveals held-out queries.
	details := ""
	if os.Getenv("STEWARD_HOLDOUT_DETAILS") == "1" {
		details = "1"
	}
	t.Setenv("SEARCH_EVAL_MISSES", details)

	var queries []evalQuery
	readJSON(t, filepath.Join("testdata", "eval", "holdout", "queries.json"), &queries)
	if len(queries) < 70 {
		t.Fatalf("%d held-out queries, want at least 70", len(queries))
	}
	docs := append(evalCorpus(t), holdoutDocs(t)...)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		put(t, d, docs...)
		got := evaluate(t, queries, func(q string) []string {
			return strings.Split(ids(search(t, d, Query{Text: q, Limit: 10})), ",")
		})
		t.Logf("held out: %d queries, %d documents", len(queries), len(docs))
		t.Logf("held out: first relevant in top 3 %.3f  Recall@5 %.3f  nDCG@10 %.3f", got.top3, got.recall5, got.ndcg10)
		if got.top3 < holdoutTop3Floor || got.recall5 < holdoutRecallFloor || got.ndcg10 < holdoutNDCGFloor {
			t.Errorf("held-out relevance fell under the floor (top 3 %.2f, Recall@5 %.2f, nDCG@10 %.2f)",
				holdoutTop3Floor, holdoutRecallFloor, holdoutNDCGFloor)
		}
	})
}
