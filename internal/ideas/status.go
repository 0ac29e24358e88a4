package ideas

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/problem"
)

// MaxExplanation is the longest explanation of a status change, in
// characters.
const MaxExplanation = 4000

// KindStatus is the notification kind of a status change, for the
// organisations' and the vendor's channels and people's e-mail preferences.
const KindStatus = "ideas.status"

// newsQuoteRunes is how much of an idea's title the news quotes, so that a
// line quoting two titles still reads whole within notice.MaxTitleRunes.
const newsQuoteRunes = 60

// ChangeStatus moves an idea to another status with a public explanation
// (product managers): shipped names a published patch or a version of the
// idea's product. The status, its history, the search document and the
// news to every voter and follower but the actor (the inbox, e-mail, and the
// channels of each organisation told and of the vendor) are written in one
// transaction.
func (s *Service) ChangeStatus(ctx context.Context, a *actor.Actor, ideaID string, in StatusInput) (Idea, error) {
	if err := s.CanManage(a); err != nil {
		return Idea{}, err
	}
	it, err := s.Store.Idea(ctx, s.Store.DB(), ideaID)
	if err != nil {
		return Idea{}, err
	}
	change, err := s.statusChange(ctx, it.Product, in)
	if err != nil {
		return Idea{}, err
	}
	now := s.Clock.Now()
	change.ID, change.By, change.At = id.New("isc", now), authorOf(a), now
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.locked(ctx, tx, ideaID)
		if err != nil {
			return err
		}
		// Read under the row lock, so that a vote cast meanwhile is told too.
		told, err := s.told(ctx, tx, a, ideaID)
		if err != nil {
			return err
		}
		if cur.Status == change.To {
			return problem.New(http.StatusConflict, "idea.same_status")
		}
		change.From = cur.Status
		var kind, ref string
		if change.ShippedIn != nil {
			kind, ref = change.ShippedIn.Kind, change.ShippedIn.Ref
		}
		if err := s.Store.SetStatus(ctx, tx, ideaID, change.To, kind, ref, now); err != nil {
			return err
		}
		if err := s.Store.InsertStatusChange(ctx, tx, ideaID, change); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "idea.status", TargetType: Doc, TargetID: ideaID,
			Changes: audit.Diff(audit.Fields{"status": cur.Status, "shipped_in": cur.shippedRef()},
				audit.Fields{"status": change.To, "shipped_in": Idea{ShippedIn: change.ShippedIn}.shippedRef(), "explanation": change.Explanation})}); err != nil {
			return err
		}
		cur.Status, cur.StatusAt, cur.ShippedIn, cur.UpdatedAt = change.To, now, change.ShippedIn, now
		if err := s.index(ctx, tx, cur); err != nil {
			return err
		}
		return s.tellStatus(ctx, tx, cur, change, told)
	})
	if err != nil {
		return Idea{}, err
	}
	return s.Get(ctx, a, ideaID)
}

// shippedRef is where a shipped idea can be had, as the audit trail keeps it.
func (it Idea) shippedRef() string {
	if it.ShippedIn == nil {
		return ""
	}
	return it.ShippedIn.Kind + ":" + it.ShippedIn.Ref
}

// statusChange checks a status change for an idea of product: 400 naming
// status, explanation or shipped_in.
func (s *Service) statusChange(ctx context.Context, product string, in StatusInput) (StatusChange, error) {
	c := StatusChange{To: strings.TrimSpace(in.Status), Explanation: strings.TrimSpace(in.Explanation)}
	shippedIn := strings.TrimSpace(in.ShippedIn)
	var bad problem.Invalid
	if !slices.Contains(Statuses, c.To) {
		bad.Add("status", "field.idea_new_status")
	}
	switch n := utf8.RuneCountInString(c.Explanation); {
	case n == 0:
		bad.Add("explanation", "field.idea_explanation")
	case n > MaxExplanation:
		bad.Add("explanation", "field.idea_explanation_long")
	}
	switch {
	case c.To == StatusShipped && shippedIn == "":
		bad.Add("shipped_in", "field.idea_shipped_in_required")
	case c.To != StatusShipped && shippedIn != "":
		bad.Add("shipped_in", "field.idea_shipped_in_not_shipped")
	}
	if err := bad.Err(); err != nil || c.To != StatusShipped {
		return c, err
	}
	where, err := s.shipment(ctx, product, shippedIn)
	c.ShippedIn = where
	return c, err
}

// shipment finds shippedIn among the product's published patches, then its
// versions: 400 naming shipped_in when it is neither.
func (s *Service) shipment(ctx context.Context, product, shippedIn string) (*ShippedIn, error) {
	if ok, err := s.deps.Shipments.PatchPublished(ctx, product, shippedIn); err != nil || ok {
		return &ShippedIn{Kind: ShippedInPatch, Product: product, Ref: shippedIn}, err
	}
	if ok, err := s.deps.Shipments.VersionExists(ctx, product, shippedIn); err != nil || ok {
		return &ShippedIn{Kind: ShippedInVersion, Product: product, Ref: shippedIn}, err
	}
	return nil, problem.InvalidField("shipped_in", "field.idea_shipped_in_unknown")
}

// audience is who hears of an idea's news: the people for the inbox, and
// their e-mail addresses by the organisation whose channels and preferences
// apply ("" for vendor staff).
type audience struct {
	userIDs []string
	emails  map[string][]notify.Address
}

// told reads the idea's voters and followers but the actor through q (the
// change's transaction, under the idea's lock), with their addresses.
// Only people who still have an account are told: the votes of a deleted
// one stay and count.
func (s *Service) told(ctx context.Context, q db.Querier, a *actor.Actor, ideaID string) (audience, error) {
	people, err := s.Store.Recipients(ctx, q, ideaID)
	if err != nil {
		return audience{}, err
	}
	orgOf := map[string]string{}
	var userIDs []string
	for _, r := range people {
		if r.UserID != a.UserID {
			userIDs = append(userIDs, r.UserID)
			orgOf[r.UserID] = r.OrgID
		}
	}
	au := audience{emails: map[string][]notify.Address{}}
	if len(userIDs) == 0 {
		return au, nil
	}
	addresses, err := s.deps.People(ctx, userIDs)
	for _, to := range addresses {
		au.userIDs = append(au.userIDs, to.UserID)
		au.emails[orgOf[to.UserID]] = append(au.emails[orgOf[to.UserID]], to)
	}
	return au, err
}

// tellStatus posts the change to the audience's inboxes and publishes it
// once per organisation told, with its people's e-mail, so each
// organisation's channels hear of it; every event of a change shares its
// key, so the vendor's channels get it once, even when only the vendor is
// told.
func (s *Service) tellStatus(ctx context.Context, tx *db.Tx, it Idea, c StatusChange, au audience) error {
	var title, body notify.Text
	title.Zh, body.Zh = statusNews(i18n.Chinese, it, c)
	title.En, body.En = statusNews(i18n.English, it, c)
	link := IdeaURL(it.ID)
	if err := s.deps.Notices.Post(ctx, tx, au.userIDs, notice.Message{Title: notice.Text(title), Body: notice.Text(body), Link: link}); err != nil {
		return err
	}
	orgs := []string{""}
	for org := range au.emails {
		if org != "" {
			orgs = append(orgs, org)
		}
	}
	slices.Sort(orgs)
	for _, org := range orgs {
		if err := s.deps.Notify.Publish(ctx, tx, notify.Event{Kind: KindStatus, Key: KindStatus + ":" + c.ID, OrgID: org,
			Title: title, Body: body, Link: link, Severity: notify.SeverityInfo, Emails: au.emails[org]}); err != nil {
			return err
		}
	}
	return nil
}

// statusNews is a status change's news in lang: a line naming the idea and
// its new status, and a text with where a shipped idea can be had and the
// explanation, within what a notice holds.
func statusNews(lang i18n.Lang, it Idea, c StatusChange) (title, body string) {
	args := map[string]any{"title": clip(it.Title, newsQuoteRunes), "status": StatusName(lang, c.To), "name": c.By.Name,
		"explanation": c.Explanation}
	var lines []string
	if c.ShippedIn != nil {
		lines = append(lines, i18n.T(lang, "idea.news.shipped_"+c.ShippedIn.Kind, map[string]any{"ref": c.ShippedIn.Ref}))
	}
	lines = append(lines, i18n.T(lang, "idea.news.status", args))
	return newsTitle(lang, "idea.news.status_title", args), clip(strings.Join(lines, "\n"), notice.MaxBodyRunes)
}

// StatusName is a status as people read it in lang (已计划, planned).
func StatusName(lang i18n.Lang, status string) string {
	return i18n.T(lang, "idea.status_name."+status, nil)
}

// newsTitle is the title of news in lang, within what a notice holds.
func newsTitle(lang i18n.Lang, key string, args map[string]any) string {
	return clip(i18n.T(lang, key, args), notice.MaxTitleRunes)
}

// clip shortens s to at most n characters, the last one an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
