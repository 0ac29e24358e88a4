package patch

import "time"

// Node is what planning needs of one patch of one product.
type Node struct {
	ID, Number    string
	Status        string
	AppliesTo     AppliesTo
	Requires      []string
	Supersedes    []string
	ConflictsWith []string
	PublishedAt   time.Time
}

// Plan is what to install on one version.
type Plan struct {
	Steps     []Step     `json:"steps"`
	Conflicts []Conflict `json:"conflicts"`
	Blocked   []Blocked  `json:"blocked"`
}

// Step is one patch to install.
type Step struct {
	ID         string   `json:"id"`
	Number     string   `json:"number"`
	Replaces   []string `json:"replaces,omitempty"`
	RequiredBy []string `json:"required_by,omitempty"`
}

// Conflict names two patches declared incompatible.
type Conflict struct {
	Number    string `json:"number"`
	With      string `json:"with"`
	Installed bool   `json:"installed"`
}

// Blocked is an applicable patch that cannot be installed.
type Blocked struct {
	Number  string   `json:"number"`
	Reason  string   `json:"reason"`
	Missing []string `json:"missing"`
}

// MakePlan lists the published patches that apply to version and are not
// yet installed.
func MakePlan(nodes []Node, version string, installed []string) Plan {
	plan := Plan{Steps: []Step{}, Conflicts: []Conflict{}, Blocked: []Blocked{}}
	done := map[string]bool{}
	for _, n := range installed {
		done[n] = true
	}
	for _, n := range nodes {
		if n.Status == "published" && n.AppliesTo.Matches(version) && !done[n.Number] {
			plan.Steps = append(plan.Steps, Step{ID: n.ID, Number: n.Number})
		}
	}
	return plan
}
