package community

import (
	"html/template"
	"time"

	"steward.dev/steward/internal/platform/actor"
)

// Kinds of post in the Q&A: questions, their answers, and comments on either.
const (
	KindQuestion = "question"
	KindAnswer   = "answer"
	KindComment  = "comment"
)

// QuestionDoc is the search document type of questions.
const QuestionDoc = "question"

// Sort orders of the question list.
const (
	SortNew        = "new"        // newest first
	SortActive     = "active"     // last answered or changed first
	SortVotes      = "votes"      // highest score first
	SortUnanswered = "unanswered" // without a visible answer, newest first
)

// Report reasons a reader may give.
var ReportReasons = []string{"spam", "offensive", "off_topic", "other"}

// Author is who wrote a post as other readers see them: a display name and
// whether they are vendor staff, never their e-mail or organisation.
type Author struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Staff      bool   `json:"staff"`
	Reputation int    `json:"reputation"`
}

// Post is a question, an answer or a comment. Body is Markdown; HTML is it
// rendered and sanitised. Votes is the sum of the votes, MyVote the reader's
// own (0 when none). Hidden posts reach moderators only.
type Post struct {
	ID         string        `json:"id"`
	Kind       string        `json:"kind"`
	QuestionID string        `json:"question_id"`
	ParentID   string        `json:"parent_id,omitempty"`
	Title      string        `json:"title,omitempty"`
	Body       string        `json:"body"`
	HTML       template.HTML `json:"html"`
	Author     Author        `json:"author"`
	Votes      int           `json:"votes"`
	MyVote     int           `json:"my_vote"`
	Accepted   bool          `json:"accepted"`
	Hidden     bool          `json:"hidden"`
	HiddenNote string        `json:"hidden_note,omitempty"`
	Edited     bool          `json:"edited"`
	CreatedAt  time.Time     `json:"created_at"`
	EditedAt   *time.Time    `json:"edited_at"`
	Comments   []Comment     `json:"comments,omitempty"`
	// authorOrg is the author's organisation, never shown: the asker's
	// notification preferences are kept by organisation.
	authorOrg string
}

// Comment is a short remark on a question or an answer.
type Comment = Post

// Question is a question with what the list shows about it. DuplicateOf is
// the question it was closed as a duplicate of; a locked question takes no
// new answers or comments.
type Question struct {
	Post
	Product     string    `json:"product"`
	Tags        []string  `json:"tags"`
	Answers     int       `json:"answers"`
	AcceptedID  string    `json:"accepted_answer_id"`
	DuplicateOf string    `json:"duplicate_of"`
	Locked      bool      `json:"locked"`
	ActiveAt    time.Time `json:"active_at"`
	URL         string    `json:"url"`
}

// QuestionURL is the public page of a question.
func QuestionURL(id string) string { return "/community/questions/" + id }

// QuestionThread is a question with its answers, the accepted one first and
// then by votes, each with its comments.
type QuestionThread struct {
	Question Question `json:"question"`
	Answers  []Post   `json:"answers"`
}

// QuestionInput asks a question. Product is free text.
type QuestionInput struct {
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Product string   `json:"product"`
	Tags    []string `json:"tags"`
}

// AnswerInput answers a question.
type AnswerInput struct {
	Body string `json:"body"`
}

// CommentInput comments on a question or an answer.
type CommentInput struct {
	Body string `json:"body"`
}

// PostPatch edits a post: Title and Tags only for a question.
type PostPatch struct {
	Title *string   `json:"title"`
	Body  *string   `json:"body"`
	Tags  *[]string `json:"tags"`
}

// QuestionFilter selects a page of questions: in Sort order, after the
// question After (the previous page's last), with the tag and product when
// given.
type QuestionFilter struct {
	Sort, Tag, Product, After string
	Limit                     int
}

// VoteInput is a vote: 1 up, -1 down, 0 withdraws the reader's vote.
type VoteInput struct {
	Value *int `json:"value"`
}

// VoteResult is a post's score after a vote and the voter's own vote.
type VoteResult struct {
	PostID string `json:"post_id"`
	Votes  int    `json:"votes"`
	MyVote int    `json:"my_vote"`
}

// Revision is what a post said before an edit.
type Revision struct {
	ID       string    `json:"id"`
	PostID   string    `json:"post_id"`
	Title    string    `json:"title,omitempty"`
	Body     string    `json:"body"`
	Tags     []string  `json:"tags,omitempty"`
	EditedBy string    `json:"edited_by"`
	EditedAt time.Time `json:"edited_at"`
}

// ReportInput reports a post to the moderators.
type ReportInput struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// HideInput hides a post; the note says why (moderators see it).
type HideInput struct {
	Reason string `json:"reason"`
}

// CloseInput closes a question as a duplicate of another.
type CloseInput struct {
	DuplicateOf string `json:"duplicate_of"`
}

// Report is a reader's report of a post, open until a moderator hides or
// keeps the post.
type Report struct {
	ID         string     `json:"id"`
	PostID     string     `json:"post_id"`
	QuestionID string     `json:"question_id"`
	PostKind   string     `json:"post_kind"`
	Excerpt    string     `json:"excerpt"`
	Reason     string     `json:"reason"`
	Note       string     `json:"note"`
	CreatedAt  time.Time  `json:"created_at"`
	ResolvedAt *time.Time `json:"resolved_at"`
}

// ImportedQuestion is shipped content: a question under a fixed id with its
// answers, written by the people given, at the times given.
type ImportedQuestion struct {
	ID      string
	Asker   *actor.Actor
	Input   QuestionInput
	At      time.Time
	Answers []ImportedAnswer
}

// ImportedAnswer is an answer of shipped content.
type ImportedAnswer struct {
	ID       string
	Author   *actor.Actor
	Body     string
	Accepted bool
	At       time.Time
}
