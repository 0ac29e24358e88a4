// Package community is the customers' self-service room: for now the help
// center (categories and articles, searchable at once).
package community

import (
	"html/template"
	"time"

	"steward.dev/steward/internal/platform/i18n"
)

// Text is a bilingual text: Chinese always, English when written.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// In returns the English text for an English reader when there is one, the
// Chinese otherwise.
func (t Text) In(lang i18n.Lang) string {
	if lang == i18n.English && t.En != "" {
		return t.En
	}
	return t.Zh
}

// Category groups articles; Parent is "" at the top.
type Category struct {
	Slug      string    `json:"slug"`
	Name      Text      `json:"name"`
	Parent    string    `json:"parent"`
	CreatedAt time.Time `json:"created_at"`
}

// Article statuses: a draft is seen by vendor staff only.
const (
	Draft     = "draft"
	Published = "published"
)

// Article is a help-center article. Title and Body are Markdown sources;
// HTML holds them rendered and sanitised.
type Article struct {
	ID        string    `json:"id"`
	Category  string    `json:"category"`
	Product   string    `json:"product"`
	Versions  []string  `json:"versions"`
	Tags      []string  `json:"tags"`
	Title     Text      `json:"title"`
	Body      Text      `json:"body"`
	HTML      HTMLText  `json:"html"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// ArticleDetail is an article as its page and the API show it: the
// reader's own feedback when signed in, everyone's for the help center's
// writers.
type ArticleDetail struct {
	Article
	Related    []RelatedArticle `json:"related"`
	MyFeedback *Feedback        `json:"my_feedback,omitempty"`
	Feedback   *FeedbackSummary `json:"feedback,omitempty"`
}

// FeedbackReasons are why a reader found an article unhelpful.
var FeedbackReasons = []string{"outdated", "unclear", "incorrect", "missing_steps", "other"}

// FeedbackInput is a reader's answer to "was this helpful?"; Reason is
// required when not helpful, Note is for the writers.
type FeedbackInput struct {
	Helpful *bool  `json:"helpful"`
	Reason  string `json:"reason"`
	Note    string `json:"note"`
}

// Feedback is one reader's answer about one article.
type Feedback struct {
	ArticleID string    `json:"article_id"`
	Helpful   bool      `json:"helpful"`
	Reason    string    `json:"reason"`
	Note      string    `json:"note"`
	UpdatedAt time.Time `json:"updated_at"`
}

// FeedbackSummary counts an article's feedback for its writers: reasons
// by count, and the latest notes (without who wrote them).
type FeedbackSummary struct {
	Helpful    int            `json:"helpful"`
	NotHelpful int            `json:"not_helpful"`
	Reasons    map[string]int `json:"reasons"`
	Notes      []Feedback     `json:"notes"`
}

// ArticleRevision is an article as one change left it: number 1 is as written
// first, the highest is the article now.
type ArticleRevision struct {
	Number    int       `json:"rev"`
	Title     Text      `json:"title"`
	Status    string    `json:"status"`
	WrittenBy string    `json:"written_by"`
	WrittenAt time.Time `json:"written_at"`
	Current   bool      `json:"current"`
	body      Text
}

// ArticleRevisionDiff is a revision with its body and what changed, line by line,
// against the revision before it (Previous, 0 for the first: against nothing).
type ArticleRevisionDiff struct {
	ArticleRevision
	Body     Text                  `json:"body"`
	Previous int                   `json:"previous"`
	Diff     map[string][]DiffLine `json:"diff"`
}

// HTMLText is the rendered, sanitised body in each language.
type HTMLText struct {
	Zh template.HTML `json:"zh"`
	En template.HTML `json:"en"`
}

// URL is the public page of the article.
func (a Article) URL() string { return "/help/articles/" + a.ID }

// CategoryInput creates a category.
type CategoryInput struct {
	Slug   string `json:"slug"`
	Name   Text   `json:"name"`
	Parent string `json:"parent"`
}

// ArticleInput creates an article; Status defaults to draft.
type ArticleInput struct {
	Title    Text     `json:"title"`
	Body     Text     `json:"body"`
	Category string   `json:"category"`
	Product  string   `json:"product"`
	Versions []string `json:"versions"`
	Tags     []string `json:"tags"`
	Status   string   `json:"status"`
}

// ArticlePatch changes the fields given.
type ArticlePatch struct {
	Title    *Text     `json:"title"`
	Body     *Text     `json:"body"`
	Category *string   `json:"category"`
	Product  *string   `json:"product"`
	Versions *[]string `json:"versions"`
	Tags     *[]string `json:"tags"`
	Status   *string   `json:"status"`
}
