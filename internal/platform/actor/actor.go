// Package actor describes who is making a request: their role, their
// organisation, and the store-level scope that follows from both. Every room
// takes an *Actor; the web middleware puts it in the request context.
package actor

import (
	"context"

	"steward.dev/steward/internal/platform/problem"
)

// Role is one of the roles of API.md.
type Role string

// The customer roles and the vendor roles.
const (
	CustomerAdmin  Role = "customer_admin"
	CustomerMember Role = "customer_member"
	Agent          Role = "agent"
	Engineer       Role = "engineer"
	ProductManager Role = "product_manager"
	VendorAdmin    Role = "vendor_admin"
)

// CustomerRoles and VendorRoles list the valid roles of each side.
var (
	CustomerRoles = []Role{CustomerAdmin, CustomerMember}
	VendorRoles   = []Role{Agent, Engineer, ProductManager, VendorAdmin}
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.IsCustomer() || r.IsVendor() }

// IsCustomer reports whether r belongs to a customer organisation's staff.
func (r Role) IsCustomer() bool { return r == CustomerAdmin || r == CustomerMember }

// IsVendor reports whether r belongs to the vendor's staff.
func (r Role) IsVendor() bool {
	return r == Agent || r == Engineer || r == ProductManager || r == VendorAdmin
}

// Actor is an authenticated user.
type Actor struct {
	UserID  string
	OrgID   string // empty for vendor staff
	Role    Role
	Name    string
	Email   string
	Locale  string
	TokenID string // the session or API token that authenticated this request
}

// IsVendor reports whether the actor is vendor staff.
func (a *Actor) IsVendor() bool { return a != nil && a.Role.IsVendor() }

// Can reports whether the actor's role is granted p.
func (a *Actor) Can(p Permission) bool {
	if a == nil {
		return false
	}
	if a.Role == VendorAdmin && p.vendor {
		return true
	}
	for _, r := range p.roles {
		if r == a.Role {
			return true
		}
	}
	return false
}

// Require is the refusal of an action that needs p: 401 without an actor,
// 403 when the role is not granted p, nil when it is.
func Require(a *Actor, p Permission) error {
	switch {
	case a == nil:
		return problem.ErrUnauthenticated
	case !a.Can(p):
		return problem.ErrForbidden
	}
	return nil
}

// Scope returns the organisation restriction every store query of customer
// data applies.
func (a *Actor) Scope() Scope {
	if a.IsVendor() {
		return Scope{all: true}
	}
	return Scope{org: a.OrgID}
}

type contextKey struct{}

// With returns a context carrying a.
func With(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, contextKey{}, a)
}

// From returns the actor in ctx, or nil for an anonymous request.
func From(ctx context.Context) *Actor {
	a, _ := ctx.Value(contextKey{}).(*Actor)
	return a
}
