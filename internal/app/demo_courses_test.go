package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// TestDemoCoursesAreThereOnceAndSearchable: the shipped courses and their
// learning path are there once after two starts, in order, and a lesson's
// words find the course.
func TestDemoCoursesAreThereOnceAndSearchable(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		count := func() (courses, paths int) {
			return len(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/courses"}).Items()),
				len(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/learning-paths"}).Items())
		}
		courses, paths := count()
		if err := e.App.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		if c, p := count(); courses != 4 || paths != 1 || c != courses || p != paths {
			t.Fatalf("demo courses: %d courses and %d paths, after another start %d and %d", courses, paths, c, p)
		}
		path := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/learning-paths/lp-finance-basics"}).JSON()
		if steps, _ := path["steps"].([]any); len(steps) != 4 || steps[0].(map[string]any)["id"] != "crs-gl-basics" {
			t.Errorf("the demo learning path: %v", path)
		}
		course := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/courses/crs-year-end"}).JSON()
		if lessons, _ := course["lessons"].([]any); len(lessons) != 4 || lessons[0].(map[string]any)["id"] != "les-ye-check" {
			t.Errorf("the year-end course's lessons: %v", course["lessons"])
		}
		hits := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/search?type=course&q=" + url.QueryEscape("发票没到货先入库怎么暂估")}).Items()
		if len(hits) == 0 || hits[0]["id"] != "crs-inventory-costing" {
			t.Errorf("a lesson's words do not find the inventory course first: %v", hits)
		}
		res := e.Do(apptest.Request{Method: "GET", Path: "/courses", Header: map[string]string{"Accept-Language": "en"}})
		if res.Status != 200 || !strings.Contains(string(res.Body), "Getting started with financial accounting") {
			t.Errorf("the English catalogue: %d %.300s", res.Status, res.Body)
		}
	})
}
