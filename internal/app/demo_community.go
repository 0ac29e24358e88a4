package app

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"

	"steward.dev/steward/internal/community"
	"steward.dev/steward/internal/patch"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
)

// communityData is the demo help center, written for the demo product.
//
//go:embed data/community/categories.json data/community/articles.json
var communityData embed.FS

// demoArticle is an article as the content files hold it: versions is an
// applicability range of the demo product ("" for every version).
type demoArticle struct {
	ID       string
	Category string
	Product  string
	Versions string
	Tags     []string
	Title    community.Text
	Body     community.Text
}

// loadDemoCommunity publishes the demo categories and articles (indexed for
// search) unless they are there already; the articles in one transaction,
// which keeps every demo start (and test) quick.
func loadDemoCommunity(ctx context.Context, svc *community.Service) error {
	var categories []community.CategoryInput
	var articles []demoArticle
	for name, into := range map[string]any{"categories.json": &categories, "articles.json": &articles} {
		raw, err := communityData.ReadFile("data/community/" + name)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, into); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	system := &actor.Actor{Role: actor.VendorAdmin, Name: "demo"}
	for _, c := range categories { // parents come first in the file
		if _, err := svc.Category(ctx, c.Slug); err == nil {
			continue
		} else if !errors.Is(err, problem.ErrNotFound) {
			return err
		}
		if _, err := svc.CreateCategory(ctx, system, c); err != nil {
			return fmt.Errorf("category %s: %w", c.Slug, err)
		}
	}
	in := make(map[string]community.ArticleInput, len(articles))
	for _, a := range articles {
		versions, err := demoVersionsIn(a.Versions)
		if err != nil {
			return fmt.Errorf("article %s: %w", a.ID, err)
		}
		in[a.ID] = community.ArticleInput{Title: a.Title, Body: a.Body, Category: a.Category,
			Product: a.Product, Versions: versions, Tags: a.Tags, Status: community.Published}
	}
	return svc.ImportArticles(ctx, system, in)
}

// demoVersionsIn lists the demo product's versions a range covers, so that
// search can filter by one version; "" is every version (none listed).
func demoVersionsIn(applies string) ([]string, error) {
	if applies == "" {
		return nil, nil
	}
	r, err := patch.ParseAppliesTo(applies)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, v := range DemoVersions {
		if r.Matches(v.Name) {
			out = append(out, v.Name)
		}
	}
	return out, nil
}
