package account

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of accounts. Every read of customer data is limited by the
// actor's scope; another organisation's rows are simply not found.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions that span rooms.
func (s *Store) DB() *db.DB { return s.db }

const orgColumns = "id, name, region, created_at, updated_at"

func scanOrg(row interface{ Scan(...any) error }) (Org, error) {
	var o Org
	err := row.Scan(&o.ID, &o.Name, &o.Region, &o.CreatedAt, &o.UpdatedAt)
	return o, err
}

// InsertOrg stores a new organisation.
func (s *Store) InsertOrg(ctx context.Context, q db.Querier, o Org) error {
	_, err := q.Exec(ctx, "INSERT INTO orgs ("+orgColumns+") VALUES (?, ?, ?, ?, ?)", o.ID, o.Name, o.Region, o.CreatedAt, o.UpdatedAt)
	return err
}

// Org returns one organisation within scope.
func (s *Store) Org(ctx context.Context, scope actor.Scope, id string) (Org, error) {
	where, args := scope.Clause("id")
	o, err := scanOrg(s.db.QueryRow(ctx, "SELECT "+orgColumns+" FROM orgs WHERE id = ? AND "+where, append([]any{id}, args...)...))
	return o, notFound(err)
}

// Orgs lists the organisations within scope, in creation order.
func (s *Store) Orgs(ctx context.Context, scope actor.Scope, after string, limit int) ([]Org, error) {
	where, args := scope.Clause("id")
	rows, err := s.db.Query(ctx, "SELECT "+orgColumns+" FROM orgs WHERE id > ? AND "+where+" ORDER BY id LIMIT ?",
		append(append([]any{after}, args...), limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

const userColumns = "id, COALESCE(org_id, ''), email, name, role, locale, password_hash, created_at, updated_at"

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Locale, &u.passwordHash, &u.CreatedAt, &u.UpdatedAt)
	return u, err
}

func queryUsers(ctx context.Context, q db.Querier, query string, args ...any) ([]User, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// InsertUser stores a new user; a live user with the same email is a conflict.
func (s *Store) InsertUser(ctx context.Context, q db.Querier, u User) error {
	var org any
	if u.OrgID != "" {
		org = u.OrgID
	}
	_, err := q.Exec(ctx, `INSERT INTO users (id, org_id, email, email_key, name, role, locale, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, org, u.Email, emailKey(u.Email), u.Name, u.Role, u.Locale, u.passwordHash, u.CreatedAt, u.UpdatedAt)
	if db.IsUniqueViolation(err) {
		return ErrEmailTaken
	}
	return err
}

// ErrEmailTaken is returned when another live user has the email.
var ErrEmailTaken = &problem.Error{Status: 409, Code: "user.email_taken", Fields: []problem.Field{{Field: "email", Message: "field.email_taken"}}}

// UserByEmail finds a live user for login.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email_key = ? AND deleted_at IS NULL", emailKey(email)))
	return u, notFound(err)
}

// UserByID returns a live user regardless of organisation: for the actor's
// own account and for system use, never for a customer's request about others.
func (s *Store) UserByID(ctx context.Context, q db.Querier, id string) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ? AND deleted_at IS NULL", id))
	return u, notFound(err)
}

// OrgUser returns a live user of organisation org within scope.
func (s *Store) OrgUser(ctx context.Context, q db.Querier, scope actor.Scope, org, id string) (User, error) {
	where, args := scope.Clause("org_id")
	u, err := scanUser(q.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ? AND org_id = ? AND deleted_at IS NULL AND "+where,
		append([]any{id, org}, args...)...))
	return u, notFound(err)
}

// OrgUsers lists the live users of organisation org within scope.
func (s *Store) OrgUsers(ctx context.Context, scope actor.Scope, org, after string, limit int) ([]User, error) {
	where, args := scope.Clause("org_id")
	return queryUsers(ctx, s.db, "SELECT "+userColumns+" FROM users WHERE org_id = ? AND id > ? AND deleted_at IS NULL AND "+where+" ORDER BY id LIMIT ?",
		append(append([]any{org, after}, args...), limit)...)
}

// Staff lists the live vendor staff.
func (s *Store) Staff(ctx context.Context, after string, limit int) ([]User, error) {
	return queryUsers(ctx, s.db, "SELECT "+userColumns+" FROM users WHERE org_id IS NULL AND id > ? AND deleted_at IS NULL ORDER BY id LIMIT ?", after, limit)
}

// CountUsers counts every user, live or deleted; start-up uses it to say how
// to create the first account.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, err
}

// CountOrgAdmins counts the live customer_admins of an organisation.
func (s *Store) CountOrgAdmins(ctx context.Context, q db.Querier, org string) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT count(*) FROM users WHERE org_id = ? AND role = ? AND deleted_at IS NULL", org, actor.CustomerAdmin).Scan(&n)
	return n, err
}

// UpdateUser writes a user's changeable fields.
func (s *Store) UpdateUser(ctx context.Context, q db.Querier, u User) error {
	_, err := q.Exec(ctx, "UPDATE users SET name = ?, role = ?, locale = ?, password_hash = ?, updated_at = ? WHERE id = ?",
		u.Name, u.Role, u.Locale, u.passwordHash, u.UpdatedAt, u.ID)
	return err
}

// DeletedOrgUser returns a deleted, not yet purged user of organisation org within scope.
func (s *Store) DeletedOrgUser(ctx context.Context, q db.Querier, scope actor.Scope, org, id string) (User, error) {
	where, args := scope.Clause("org_id")
	u, err := scanDeletedUser(q.QueryRow(ctx, "SELECT "+userColumns+", deleted_at FROM users WHERE id = ? AND org_id = ? AND deleted_at IS NOT NULL AND "+where,
		append([]any{id, org}, args...)...))
	return u, notFound(err)
}

func scanDeletedUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var deleted time.Time
	err := row.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Locale, &u.passwordHash, &u.CreatedAt, &u.UpdatedAt, &deleted)
	u.DeletedAt = &deleted
	return u, err
}

// DeletedOrgUsers lists the users of org deleted after since, newest deletion first.
func (s *Store) DeletedOrgUsers(ctx context.Context, scope actor.Scope, org string, since time.Time) ([]User, error) {
	where, args := scope.Clause("org_id")
	rows, err := s.db.Query(ctx, "SELECT "+userColumns+", deleted_at FROM users WHERE org_id = ? AND deleted_at > ? AND "+where+" ORDER BY deleted_at DESC LIMIT 200",
		append([]any{org, since}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanDeletedUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// RestoreUser brings a deleted user back; a live user with the same email is a conflict.
func (s *Store) RestoreUser(ctx context.Context, q db.Querier, id string, at time.Time) error {
	_, err := q.Exec(ctx, "UPDATE users SET deleted_at = NULL, updated_at = ? WHERE id = ?", at, id)
	if db.IsUniqueViolation(err) {
		return ErrEmailTaken
	}
	return err
}

// UsersDeletedBefore returns the users deleted before cutoff (id and organisation).
func (s *Store) UsersDeletedBefore(ctx context.Context, cutoff time.Time) ([]User, error) {
	rows, err := s.db.Query(ctx, "SELECT id, COALESCE(org_id, '') FROM users WHERE deleted_at IS NOT NULL AND deleted_at <= ? ORDER BY id", cutoff)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.OrgID); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// PurgeUser removes a deleted user's row for good.
func (s *Store) PurgeUser(ctx context.Context, q db.Querier, id string) error {
	if err := s.DeleteUserTokens(ctx, q, id, ""); err != nil {
		return err
	}
	_, err := q.Exec(ctx, "DELETE FROM users WHERE id = ? AND deleted_at IS NOT NULL", id)
	return err
}

// CountUserTokens counts a user's live sessions and API tokens.
func (s *Store) CountUserTokens(ctx context.Context, q db.Querier, userID string) (sessions, apiTokens int, err error) {
	err = q.QueryRow(ctx, "SELECT COALESCE(SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END), 0) FROM tokens WHERE user_id = ?",
		KindSession, KindAPI, userID).Scan(&sessions, &apiTokens)
	return sessions, apiTokens, err
}

// SoftDeleteUser marks a user deleted and ends all their sessions and tokens.
func (s *Store) SoftDeleteUser(ctx context.Context, q db.Querier, id string, at time.Time) error {
	if _, err := q.Exec(ctx, "UPDATE users SET deleted_at = ?, updated_at = ? WHERE id = ?", at, at, id); err != nil {
		return err
	}
	return s.DeleteUserTokens(ctx, q, id, "")
}

// InsertToken stores a token by the hash of its secret.
func (s *Store) InsertToken(ctx context.Context, q db.Querier, userID string, t Token, hash string) error {
	_, err := q.Exec(ctx, "INSERT INTO tokens (id, user_id, kind, name, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		t.ID, userID, t.Kind, t.Name, hash, t.CreatedAt, t.ExpiresAt)
	return err
}

// Authenticate returns the live user, the token id and its expiry behind an
// unexpired token hash.
func (s *Store) Authenticate(ctx context.Context, hash string, now time.Time) (User, string, *time.Time, error) {
	var tokenID string
	var expires sql.NullTime
	var u User
	err := s.db.QueryRow(ctx, "SELECT t.id, t.expires_at, u.id, COALESCE(u.org_id, ''), u.email, u.name, u.role, u.locale, u.password_hash, u.created_at, u.updated_at"+
		" FROM tokens t JOIN users u ON u.id = t.user_id"+
		" WHERE t.hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.deleted_at IS NULL", hash, now).
		Scan(&tokenID, &expires, &u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.Locale, &u.passwordHash, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return User{}, "", nil, notFound(err)
	}
	if expires.Valid {
		return u, tokenID, &expires.Time, nil
	}
	return u, tokenID, nil, nil
}

// UserTokens lists a user's named API tokens.
func (s *Store) UserTokens(ctx context.Context, userID string) ([]Token, error) {
	rows, err := s.db.Query(ctx, "SELECT id, name, kind, created_at, expires_at FROM tokens WHERE user_id = ? AND kind = ? ORDER BY id", userID, KindAPI)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var expires sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.Kind, &t.CreatedAt, &expires); err != nil {
			return nil, err
		}
		if expires.Valid {
			t.ExpiresAt = &expires.Time
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteToken removes one of a user's tokens; false when there was none.
func (s *Store) DeleteToken(ctx context.Context, q db.Querier, userID, tokenID string) (bool, error) {
	res, err := q.Exec(ctx, "DELETE FROM tokens WHERE id = ? AND user_id = ?", tokenID, userID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// DeleteUserTokens ends every session and token of a user except keep.
func (s *Store) DeleteUserTokens(ctx context.Context, q db.Querier, userID, keep string) error {
	_, err := q.Exec(ctx, "DELETE FROM tokens WHERE user_id = ? AND id <> ?", userID, keep)
	return err
}

// notFound maps "no rows" to the 404 problem.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return problem.ErrNotFound
	}
	return err
}
