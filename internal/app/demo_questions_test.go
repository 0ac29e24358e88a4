package app_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"slices"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// shownAnswer is what the test reads of an answer in a question's thread.
type shownAnswer struct {
	ID       string
	Accepted bool
	Author   struct {
		Name  string
		Staff bool
	}
}

// TestDemoQuestionsLoadedOnceWithTheirAnswersAndAuthors: every shipped
// question is there under its id after two starts, with its answers, the
// accepted ones accepted, staff answers by the demo agent or engineer and
// the rest by customers; a question is found by its accepted answer's words.
func TestDemoQuestionsLoadedOnceWithTheirAnswersAndAuthors(t *testing.T) {
	raw, err := os.ReadFile("data/community/questions.json")
	if err != nil {
		t.Fatal(err)
	}
	var shipped []struct {
		ID      string
		Answers []struct {
			ID              string
			Staff, Accepted bool
		}
	}
	if err := json.Unmarshal(raw, &shipped); err != nil {
		t.Fatal(err)
	}
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if err := e.App.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := len(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/questions?limit=200"}).Items()); n != len(shipped) {
			t.Errorf("%d questions after two starts, %d shipped", n, len(shipped))
		}
		staffNames := []string{"客服专员 李娜", "运维工程师 王强"}
		for _, q := range shipped {
			res := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/questions/" + q.ID})
			var th struct {
				Question struct {
					Author   struct{ Staff bool }
					Accepted string `json:"accepted_answer_id"`
				}
				Answers []shownAnswer
			}
			if err := json.Unmarshal(res.Body, &th); err != nil || res.Status != 200 {
				t.Errorf("%s: %d %s", q.ID, res.Status, res.Body)
				continue
			}
			if th.Question.Author.Staff || len(th.Answers) != len(q.Answers) {
				t.Errorf("%s: asked by staff %v, %d answers of %d", q.ID, th.Question.Author.Staff, len(th.Answers), len(q.Answers))
				continue
			}
			for _, want := range q.Answers {
				i := slices.IndexFunc(th.Answers, func(a shownAnswer) bool { return a.ID == want.ID })
				if i < 0 {
					t.Errorf("%s: answer %s missing", q.ID, want.ID)
					continue
				}
				got := th.Answers[i]
				if got.Accepted != want.Accepted || got.Author.Staff != want.Staff || want.Staff != slices.Contains(staffNames, got.Author.Name) {
					t.Errorf("%s/%s: accepted %v staff %v by %q; shipped accepted %v staff %v", q.ID, want.ID, got.Accepted, got.Author.Staff, got.Author.Name, want.Accepted, want.Staff)
				}
			}
		}
		// The reversing question's accepted answer says to unpost first.
		var ids []string
		for _, h := range e.Do(apptest.Request{Method: "GET", Path: "/api/v1/search?type=question&q=" + url.QueryEscape("先反过账再反审核")}).Items() {
			ids = append(ids, h["id"].(string))
		}
		if i := slices.Index(ids, "q-unaudit-posted"); i < 0 || i > 2 {
			t.Errorf("the question is not found by its accepted answer's words in the top 3: %v", ids)
		}
	})
}
