package actor

// Scope is the organisation restriction of a store query. Only an Actor makes
// one, so a store cannot be handed an organisation taken from a request body.
// The zero Scope matches nothing.
type Scope struct {
	org string
	all bool
}

// AllOrgs is the scope of the system itself (start-up, jobs, the CLI).
func AllOrgs() Scope { return Scope{all: true} }

// Clause returns a SQL condition on column and its arguments that limits rows
// to the scope.
func (s Scope) Clause(column string) (string, []any) {
	switch {
	case s.all:
		return "1=1", nil
	case s.org == "":
		return "1=0", nil
	default:
		return column + " = ?", []any{s.org}
	}
}
