package app

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/community"
	"steward.dev/steward/internal/platform/actor"
)

// demoQuestionsJSON is the demo Q&A: customers' questions on the demo
// product with staff and customer answers, some accepted.
//
//go:embed data/community/questions.json
var demoQuestionsJSON []byte

// demoQuestion is a question as the content file holds it.
type demoQuestion struct {
	ID      string
	Title   string
	Body    string
	Product string
	Tags    []string
	Answers []struct {
		ID       string
		Body     string
		Staff    bool
		Accepted bool
	}
}

// demoStaffAnswerers answer for the vendor in turn.
var demoStaffAnswerers = []string{"agent@steward.demo", "engineer@steward.demo"}

// loadDemoQuestions posts the demo questions and answers under their ids
// unless they are there: the demo customers ask in turn and answer each
// other, the demo agent and engineer give the staff answers. The questions
// are spread over the weeks before now, a day or so apart, so that the list's
// orders differ.
func loadDemoQuestions(ctx context.Context, accounts *account.Store, svc *community.Service) error {
	var questions []demoQuestion
	if err := json.Unmarshal(demoQuestionsJSON, &questions); err != nil {
		return fmt.Errorf("questions.json: %w", err)
	}
	var customers, staff []*actor.Actor
	for _, o := range DemoOrgs {
		for _, email := range []string{o.Member, o.Admin} {
			a, err := demoActor(ctx, accounts, email)
			if err != nil {
				return fmt.Errorf("%s: %w", email, err)
			}
			customers = append(customers, a)
		}
	}
	for _, email := range demoStaffAnswerers {
		a, err := demoActor(ctx, accounts, email)
		if err != nil {
			return fmt.Errorf("%s: %w", email, err)
		}
		staff = append(staff, a)
	}
	now := svc.Clock.Now()
	list := make([]community.ImportedQuestion, 0, len(questions))
	for i, q := range questions {
		asked := now.Add(-time.Duration(len(questions)-i) * 26 * time.Hour)
		iq := community.ImportedQuestion{ID: q.ID, Asker: customers[i%len(customers)], At: asked,
			Input: community.QuestionInput{Title: q.Title, Body: q.Body, Product: q.Product, Tags: q.Tags}}
		for j, a := range q.Answers {
			author := customers[(i+1+j)%len(customers)] // never the asker: fewer answers than customers
			if a.Staff {
				author = staff[(i+j)%len(staff)]
			}
			iq.Answers = append(iq.Answers, community.ImportedAnswer{ID: a.ID, Author: author, Body: a.Body, Accepted: a.Accepted,
				At: asked.Add(time.Duration(j+1) * 3 * time.Hour)})
		}
		list = append(list, iq)
	}
	return svc.ImportQuestions(ctx, list)
}
