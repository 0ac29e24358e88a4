// Package ideas is the Innovation Square (创新广场), the catalog's
// requirement listening (需求聆听): customers post ideas for the products,
// vote for and follow them, and product managers answer every idea with a
// public status and its explanation until it ships or is declined.
package ideas

import (
	"html/template"
	"time"
)

// Statuses of an idea, in their usual order; staff may move an idea to any.
const (
	StatusOpen        = "open"
	StatusUnderReview = "under_review"
	StatusPlanned     = "planned"
	StatusInProgress  = "in_progress"
	StatusShipped     = "shipped"
	StatusDeclined    = "declined"
)

// Statuses are every status in the usual order (the roadmap's columns and the
// filters follow it).
var Statuses = []string{StatusOpen, StatusUnderReview, StatusPlanned, StatusInProgress, StatusShipped, StatusDeclined}

// Sort orders of the idea list.
const (
	SortTrending = "trending" // votes decayed with their age, the newest count most
	SortTop      = "top"      // most distinct voters
	SortNew      = "new"      // newest first
)

// Doc is the search document type of ideas.
const Doc = "idea"

// RequirementListening is the catalog's code of the service: a customer's
// organisation needs it to post, vote, follow and comment.
const RequirementListening = "requirement_listening"

// Author is who wrote an idea or a comment as readers see them: a display
// name and whether they are vendor staff (a staff comment is an official
// reply), never their e-mail or organisation.
type Author struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Staff bool   `json:"staff"`
}

// Idea is one idea. Body is Markdown; HTML is it rendered and sanitised.
// Votes is the number of distinct voters, the author included (posting an
// idea votes for it; the author may take the vote back). MergedInto is the
// idea this one was merged into: it then takes no votes, follows or comments
// and its address leads there.
type Idea struct {
	ID            string         `json:"id"`
	Title         string         `json:"title"`
	Body          string         `json:"body"`
	HTML          template.HTML  `json:"html"`
	Product       string         `json:"product"`
	Modules       []string       `json:"modules"`
	Author        Author         `json:"author"`
	Status        string         `json:"status"`
	StatusAt      time.Time      `json:"status_at"`
	ShippedIn     *ShippedIn     `json:"shipped_in"`
	MergedInto    string         `json:"merged_into,omitempty"`
	Votes         int            `json:"votes"`
	Followers     int            `json:"followers"`
	Comments      int            `json:"comments"`
	Voted         bool           `json:"voted"`     // the reader has voted
	Following     bool           `json:"following"` // the reader follows it
	Images        []Image        `json:"images"`
	StatusHistory []StatusChange `json:"status_history,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	// authorOrg is the author's organisation: product managers see it in
	// the demand, readers never.
	authorOrg string
}

// ShippedIn is where a shipped idea can be had: a patch of its product or a
// product version, with the page that shows it.
type ShippedIn struct {
	Kind    string `json:"kind"` // "patch" or "version"
	Product string `json:"product"`
	Ref     string `json:"ref"` // the patch number or the version name
	URL     string `json:"url"`
}

// Kinds of ShippedIn.
const (
	ShippedInPatch   = "patch"
	ShippedInVersion = "version"
)

// StatusChange is one step of an idea's public history: the explanation is
// required and shown to everyone.
type StatusChange struct {
	ID          string     `json:"id"`
	From        string     `json:"from"`
	To          string     `json:"to"`
	Explanation string     `json:"explanation"`
	ShippedIn   *ShippedIn `json:"shipped_in,omitempty"`
	By          Author     `json:"by"`
	At          time.Time  `json:"at"`
}

// Comment is a remark on an idea; a vendor staff member's is an official reply.
type Comment struct {
	ID        string        `json:"id"`
	IdeaID    string        `json:"idea_id"`
	Body      string        `json:"body"`
	HTML      template.HTML `json:"html"`
	Author    Author        `json:"author"`
	Official  bool          `json:"official"`
	CreatedAt time.Time     `json:"created_at"`
}

// Image is a picture attached to an idea (PNG, JPEG, GIF or WebP), public
// like the idea.
type Image struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// Input is what a person writes to post an idea.
type Input struct {
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Product string   `json:"product"`
	Modules []string `json:"modules"`
}

// StatusInput moves an idea to a status with its public explanation;
// ShippedIn names the patch number or the version of the idea's product
// (required for shipped, refused otherwise).
type StatusInput struct {
	Status      string `json:"status"`
	Explanation string `json:"explanation"`
	ShippedIn   string `json:"shipped_in"`
}

// MergeInput names the idea that survives a merge.
type MergeInput struct {
	Into string `json:"into"`
}

// Filter selects ideas for a list. Org and Deployment are product managers'
// filters: ideas an organisation posted or voted for; ideas wanted by an
// organisation with a contract of that deployment kind in force.
type Filter struct {
	Sort       string
	Status     string
	Product    string
	Module     string
	Org        string
	Deployment string
	Limit      int
	Cursor     string
}

// Demand is who wants an idea, for product managers: the customer
// organisations among its author and voters, and their contracts in force.
type Demand struct {
	IdeaID string      `json:"idea_id"`
	Orgs   int         `json:"orgs"`
	Wanted []OrgDemand `json:"items"`
}

// OrgDemand is one organisation wanting an idea: how many of its people voted
// and the contracts it holds now.
type OrgDemand struct {
	OrgID     string     `json:"org_id"`
	OrgName   string     `json:"org_name"`
	Voters    int        `json:"voters"`
	Contracts []Contract `json:"contracts"`
}

// Contract is a contract in force of an organisation wanting an idea.
type Contract struct {
	ID         string `json:"id"`
	Reference  string `json:"reference"`
	Product    string `json:"product"`
	Deployment string `json:"deployment"`
	Version    string `json:"version"`
}
