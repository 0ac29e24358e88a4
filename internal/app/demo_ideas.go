package app

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/ideas"
	"steward.dev/steward/internal/platform/actor"
)

// demoIdeasJSON is the demo Innovation Square: the demo customers' ideas
// for the demo product in every status, with their votes, comments, the
// product manager's explanations and two duplicates merged.
//
//go:embed data/community/ideas.json
var demoIdeasJSON []byte

// demoIdea is an idea as the content file holds it: people by e-mail, times
// in days before the demo's now.
type demoIdea struct {
	ID       string
	Title    string
	Body     string
	Product  string
	Modules  []string
	Author   string
	Posted   int
	Votes    map[string]int // voter → days ago
	Comments []struct {
		By   string
		Days int
		Body string
	}
	History []struct {
		Status      string
		Days        int
		Explanation string
		ShippedIn   string `json:"shipped_in"`
	}
	MergedInto string `json:"merged_into"`
	Merged     int    // days ago
}

// demoIdeaManager answers the demo ideas: every status change and merge is
// the demo product manager's.
const demoIdeaManager = "pm@steward.demo"

// loadDemoIdeas imports the demo ideas that are missing, dated back from
// now, each idea at its own hour of the day so that the ideas of one day do
// not share an instant. It runs after the demo patches, where shipped ideas
// shipped.
func loadDemoIdeas(ctx context.Context, accounts *account.Store, svc *ideas.Service) error {
	var list []demoIdea
	if err := json.Unmarshal(demoIdeasJSON, &list); err != nil {
		return fmt.Errorf("ideas.json: %w", err)
	}
	people := map[string]*actor.Actor{}
	person := func(email string) (*actor.Actor, error) {
		if a, ok := people[email]; ok {
			return a, nil
		}
		a, err := demoActor(ctx, accounts, email)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", email, err)
		}
		people[email] = a
		return a, nil
	}
	pm, err := person(demoIdeaManager)
	if err != nil {
		return err
	}
	now := svc.Clock.Now()
	out := make([]ideas.Imported, 0, len(list))
	for i, d := range list {
		// Up to 10 hours earlier than the day's instant, never in the future.
		hour := time.Duration(i%10)*time.Hour + time.Duration(i*7%60)*time.Minute
		ago := func(days int) time.Time { return now.Add(-time.Duration(days)*24*time.Hour - hour) }
		author, err := person(d.Author)
		if err != nil {
			return err
		}
		im := ideas.Imported{ID: d.ID, Author: author, At: ago(d.Posted),
			Input: ideas.Input{Title: d.Title, Body: d.Body, Product: d.Product, Modules: d.Modules}}
		for email, days := range d.Votes {
			voter, err := person(email)
			if err != nil {
				return err
			}
			im.Votes = append(im.Votes, ideas.Act{By: voter, At: ago(days)})
		}
		for _, c := range d.Comments {
			by, err := person(c.By)
			if err != nil {
				return err
			}
			im.Comments = append(im.Comments, ideas.ImportedComment{Act: ideas.Act{By: by, At: ago(c.Days)}, Body: c.Body})
		}
		for _, h := range d.History {
			im.Steps = append(im.Steps, ideas.ImportedStep{Act: ideas.Act{By: pm, At: ago(h.Days)},
				StatusInput: ideas.StatusInput{Status: h.Status, Explanation: h.Explanation, ShippedIn: h.ShippedIn}})
		}
		if d.MergedInto != "" {
			im.Merge = &ideas.ImportedMerge{Act: ideas.Act{By: pm, At: ago(d.Merged)}, Into: d.MergedInto}
		}
		out = append(out, im)
	}
	return svc.Import(ctx, out)
}
