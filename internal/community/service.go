package community

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/markdown"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/search"
)

// Service holds the community's use cases: the help center, questions and
// answers, courses, and the one search over them.
type Service struct {
	Store *Store
	Audit *audit.Recorder
	Clock clock.Clock
	Index search.Index
	deps  Deps
}

// Deps are what the service is built on.
type Deps struct {
	Store *Store
	Audit *audit.Recorder
	Clock clock.Clock
	Index search.Index
	// Entitlements answers whether a customer's organisation has the
	// community service now (entitlement.Service).
	Entitlements Entitlements
	// RequireLogin closes the community to visitors who are not signed in;
	// by default it is readable by anyone.
	RequireLogin bool
	// Notices and Notify tell an asker of answers and an answerer of their
	// answer accepted (the inbox and e-mail); People gives the e-mail
	// addresses of the users named (the live ones).
	Notices *notice.Service
	Notify  *notify.Notifier
	People  func(ctx context.Context, userIDs []string) ([]notify.Address, error)
	// Blobs keeps the bytes of the files handed out with lessons.
	Blobs blob.Store
}

// Entitlements is the part of the entitlement room the community asks.
type Entitlements interface {
	Check(ctx context.Context, orgID, service string, at time.Time) (entitlement.Entitlement, error)
}

// CommunityService is the catalog's code of the community service, which
// customers need to post.
const CommunityService = "community"

// NewService returns the community on deps.
func NewService(d Deps) *Service {
	return &Service{Store: d.Store, Audit: d.Audit, Clock: d.Clock, Index: d.Index, deps: d}
}

// CanRead says whether the actor may read the community: anyone, signed in
// or not, unless the setting requires a login (then 401 for a visitor).
func (s *Service) CanRead(a *actor.Actor) error {
	if s.deps.RequireLogin && a == nil {
		return problem.ErrUnauthenticated
	}
	return nil
}

// CanPost says whether the actor may ask, answer, comment and vote: the
// role must allow it (401 for a visitor, 403 otherwise) and a customer's
// organisation must have the community service now (403 with the reason).
func (s *Service) CanPost(ctx context.Context, a *actor.Actor) error {
	if err := actor.Require(a, actor.PostCommunity); err != nil {
		return err
	}
	if a.IsVendor() {
		return nil
	}
	_, err := s.deps.Entitlements.Check(ctx, a.OrgID, CommunityService, s.Clock.Now())
	return err
}

// ArticleDoc is the search document type of help articles.
const ArticleDoc = "article"

// Authorize says whether the actor may write the help center: handlers call
// it before reading a body.
func (s *Service) Authorize(a *actor.Actor) error { return actor.Require(a, actor.WriteHelp) }

// writer is Authorize as the gate of an API write.
func (s *Service) writer(_ context.Context, a *actor.Actor) error { return s.Authorize(a) }

// CreateCategory adds a category.
func (s *Service) CreateCategory(ctx context.Context, a *actor.Actor, in CategoryInput) (Category, error) {
	if err := s.Authorize(a); err != nil {
		return Category{}, err
	}
	c := Category{Slug: strings.TrimSpace(in.Slug), Name: trimText(in.Name), Parent: strings.TrimSpace(in.Parent), CreatedAt: s.Clock.Now()}
	var bad problem.Invalid
	checkCategory(&bad, c)
	if c.Parent != "" {
		if _, err := s.Store.Category(ctx, s.Store.DB(), c.Parent); errors.Is(err, problem.ErrNotFound) {
			bad.Add("parent", "field.help_category_unknown")
		} else if err != nil {
			return Category{}, err
		}
	}
	if err := bad.Err(); err != nil {
		return Category{}, err
	}
	err := s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.Store.InsertCategory(ctx, tx, c)
		if err != nil {
			return err
		}
		if !ok {
			return problem.InvalidField("slug", "field.help_slug_taken")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "help.create_category", TargetType: "help_category", TargetID: c.Slug,
			Changes: map[string]audit.Change{"name": {After: c.Name.Zh}, "parent": {After: c.Parent}}})
	})
	return c, err
}

// Categories lists every category.
func (s *Service) Categories(ctx context.Context) ([]Category, error) { return s.Store.Categories(ctx) }

// Category returns one category (404 when unknown).
func (s *Service) Category(ctx context.Context, slug string) (Category, error) {
	return s.Store.Category(ctx, s.Store.DB(), slug)
}

// CreateArticle writes an article and, once published, indexes it in the
// same transaction so that it is found at once.
func (s *Service) CreateArticle(ctx context.Context, a *actor.Actor, in ArticleInput) (Article, error) {
	art, err := s.prepare(ctx, a, id.New("art", s.Clock.Now()), in)
	if err != nil {
		return Article{}, err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error { return s.insert(ctx, tx, art) })
	return render(art), err
}

// ImportArticles writes articles under fixed ids (shipped content keeps its
// addresses), skipping those already there, in one transaction; their
// categories must exist.
func (s *Service) ImportArticles(ctx context.Context, a *actor.Actor, in map[string]ArticleInput) error {
	var fresh []Article
	for articleID, input := range in {
		if _, err := s.Store.Article(ctx, s.Store.DB(), articleID); err == nil {
			continue
		} else if !errors.Is(err, problem.ErrNotFound) {
			return err
		}
		art, err := s.prepare(ctx, a, articleID, input)
		if err != nil {
			return fmt.Errorf("article %s: %w", articleID, err)
		}
		fresh = append(fresh, art)
	}
	err := s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		for _, art := range fresh {
			if err := s.insert(ctx, tx, art); err != nil {
				return err
			}
		}
		return nil
	})
	if db.IsUniqueViolation(err) { // another instance imported them meanwhile
		return nil
	}
	return err
}

// prepare makes a new article of the input, checked, as a's.
func (s *Service) prepare(ctx context.Context, a *actor.Actor, articleID string, in ArticleInput) (Article, error) {
	if err := s.Authorize(a); err != nil {
		return Article{}, err
	}
	now := s.Clock.Now()
	art := Article{ID: articleID, Category: in.Category, Product: in.Product, Versions: in.Versions, Tags: in.Tags,
		Title: in.Title, Body: in.Body, Status: in.Status, CreatedAt: now, UpdatedAt: now, UpdatedBy: a.UserID}
	if art.UpdatedBy == "" {
		art.UpdatedBy = audit.SystemActor
	}
	art.CreatedBy = art.UpdatedBy
	if art.Status == "" {
		art.Status = Draft
	}
	return s.checked(ctx, art)
}

// insert stores a new article, indexes it when published, and audits it.
func (s *Service) insert(ctx context.Context, tx *db.Tx, art Article) error {
	if err := s.Store.InsertArticle(ctx, tx, art); err != nil {
		return err
	}
	if err := s.reindex(ctx, tx, art); err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, audit.Entry{Action: "help.create_article", TargetType: "help_article", TargetID: art.ID,
		Changes: map[string]audit.Change{"title": {After: art.Title.Zh}, "status": {After: art.Status}, "category": {After: art.Category}}})
}

// UpdateArticle changes an article, keeping what it was as a revision.
func (s *Service) UpdateArticle(ctx context.Context, a *actor.Actor, articleID string, p ArticlePatch) (Article, error) {
	if err := s.Authorize(a); err != nil {
		return Article{}, err
	}
	before, err := s.Store.Article(ctx, s.Store.DB(), articleID)
	if err != nil {
		return Article{}, err
	}
	art := before
	setIf(&art.Title, p.Title)
	setIf(&art.Body, p.Body)
	setIf(&art.Category, p.Category)
	setIf(&art.Product, p.Product)
	setIf(&art.Versions, p.Versions)
	setIf(&art.Tags, p.Tags)
	setIf(&art.Status, p.Status)
	art.UpdatedAt, art.UpdatedBy = s.Clock.Now(), a.UserID
	if art.UpdatedBy == "" {
		art.UpdatedBy = audit.SystemActor
	}
	if art, err = s.checked(ctx, art); err != nil {
		return Article{}, err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.UpdateArticle(ctx, tx, id.New("rev", art.UpdatedAt), before, art); err != nil {
			return err
		}
		if err := s.reindex(ctx, tx, art); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "help.update_article", TargetType: "help_article", TargetID: art.ID,
			Changes: audit.Diff(
				audit.Fields{"title": before.Title.Zh, "status": before.Status, "category": before.Category, "body": len(before.Body.Zh)},
				audit.Fields{"title": art.Title.Zh, "status": art.Status, "category": art.Category, "body": len(art.Body.Zh)})})
	})
	return render(art), err
}

// DeleteArticle removes an article from the help center and the index.
func (s *Service) DeleteArticle(ctx context.Context, a *actor.Actor, articleID string) error {
	if err := s.Authorize(a); err != nil {
		return err
	}
	art, err := s.Store.Article(ctx, s.Store.DB(), articleID)
	if err != nil {
		return err
	}
	return s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.DeleteArticle(ctx, tx, art.ID); err != nil {
			return err
		}
		if err := s.Index.Delete(ctx, tx, ArticleDoc, art.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "help.delete_article", TargetType: "help_article", TargetID: art.ID,
			Changes: map[string]audit.Change{"title": {Before: art.Title.Zh}, "status": {Before: art.Status}}})
	})
}

// Article returns an article; a draft is 404 for anyone but vendor staff.
func (s *Service) Article(ctx context.Context, a *actor.Actor, articleID string) (Article, error) {
	art, err := s.Store.Article(ctx, s.Store.DB(), articleID)
	if err != nil {
		return Article{}, err
	}
	if art.Status != Published && !a.Can(actor.WriteHelp) {
		return Article{}, problem.ErrNotFound
	}
	return render(art), nil
}

// ArticleDetail returns an article as its page shows it, with related
// articles and the feedback a may see; like Article, a draft is 404 for
// anyone but vendor staff.
func (s *Service) ArticleDetail(ctx context.Context, a *actor.Actor, articleID string) (ArticleDetail, error) {
	art, err := s.Article(ctx, a, articleID)
	if err != nil {
		return ArticleDetail{}, err
	}
	d := ArticleDetail{Article: art}
	if d.Related, err = s.related(ctx, art); err != nil {
		return ArticleDetail{}, err
	}
	return d, s.feedbackFor(ctx, a, &d)
}

// Articles lists a page of articles newest first: drafts too for vendor staff.
func (s *Service) Articles(ctx context.Context, a *actor.Actor, f ArticleFilter) ([]Article, error) {
	f.Drafts = a.Can(actor.WriteHelp)
	list, err := s.Store.Articles(ctx, f)
	for i := range list {
		list[i] = render(list[i])
	}
	return list, err
}

// Search finds published help content, titled in lang (the index holds
// both languages' titles together); a bad cursor names the field.
func (s *Service) Search(ctx context.Context, q search.Query, lang i18n.Lang) (search.Results, error) {
	if err := CheckSearchType(q.Type); err != nil {
		return search.Results{}, err
	}
	res, err := s.Index.Search(ctx, q)
	if errors.Is(err, search.ErrBadCursor) {
		return search.Results{}, problem.InvalidField("cursor", "field.cursor")
	} else if err != nil {
		return search.Results{}, err
	}
	var ids []string
	for _, h := range res.Items {
		if h.Type == ArticleDoc || h.Type == CourseDoc {
			ids = append(ids, h.ID)
		}
	}
	titles, err := s.Store.Titles(ctx, ids)
	for i, h := range res.Items {
		if t, ok := titles[h.ID]; ok {
			res.Items[i].Title = t.In(lang)
		}
	}
	return res, err
}

// SearchTypes are the kinds of documents a search may be narrowed to; ""
// is all of them.
var SearchTypes = []string{"", QuestionDoc, ArticleDoc, CourseDoc, IdeaDoc}

// IdeaDoc is the type of the Innovation Square's documents (internal/ideas,
// its Doc), which share the community's index.
const IdeaDoc = "idea"

// CheckSearchType refuses a search narrowed to a kind there is none of
// (400 naming type).
func CheckSearchType(kind string) error {
	if !slices.Contains(SearchTypes, kind) {
		return problem.InvalidField("type", "field.qa_search_type")
	}
	return nil
}

// reindex puts a published article in the index, or takes a draft out.
func (s *Service) reindex(ctx context.Context, tx *db.Tx, art Article) error {
	if art.Status != Published {
		return s.Index.Delete(ctx, tx, ArticleDoc, art.ID)
	}
	return s.Index.Put(ctx, tx, articleDoc(art))
}

// articleDoc is what the index holds of a published article: both
// languages' titles, then its tags and both bodies as plain text.
func articleDoc(art Article) search.Doc {
	return search.Doc{Type: ArticleDoc, ID: art.ID, Product: art.Product, Versions: art.Versions,
		Title: strings.TrimSpace(art.Title.Zh + " " + art.Title.En),
		Body:  strings.Join(append(append([]string{}, art.Tags...), markdown.Text(art.Body.Zh), markdown.Text(art.Body.En)), "\n"),
		URL:   art.URL(), UpdatedAt: art.UpdatedAt}
}

// docsPage is how many articles ArticleDocs reads at a time.
const docsPage = 200

// ArticleDocs hands every published article's search document to put, as
// reindex would write it, for rebuilding the index.
func (s *Service) ArticleDocs(ctx context.Context, put func(search.Doc) error) error {
	for after := ""; ; {
		page, err := s.Store.Articles(ctx, ArticleFilter{After: after, Limit: docsPage})
		if err != nil {
			return err
		}
		for _, art := range page {
			if err := put(articleDoc(art)); err != nil {
				return err
			}
		}
		if len(page) < docsPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// render fills the article's HTML from its Markdown.
func render(a Article) Article {
	a.HTML = HTMLText{Zh: markdown.Render(a.Body.Zh), En: markdown.Render(a.Body.En)}
	return a
}

func setIf[T any](field *T, v *T) {
	if v != nil {
		*field = *v
	}
}
