package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"net/http"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/confirm"
	"sync"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// Login limits: failed attempts in the window before further tries wait.
const (
	loginWindow         = 15 * time.Minute
	failuresPerAccount  = 5
	failuresPerAddress  = 20
	sessionLifetime     = 30 * 24 * time.Hour
	tokenSecretBytes    = 32
	sessionTokenPrefix  = "sts_"
	apiTokenPrefix      = "stp_"
	maxTokenNameRunes   = 100
	maxTokenLifetimeDay = 366
)

// Errors of the account room.
var (
	ErrInvalidCredentials = problem.New(http.StatusUnauthorized, "auth.invalid_credentials")
	errTooManyAttempts    = problem.New(http.StatusTooManyRequests, "auth.too_many_attempts")
	ErrLastAdmin          = problem.New(http.StatusConflict, "user.last_admin")
	ErrSelfDelete         = problem.New(http.StatusConflict, "user.self_delete")
)

// Service holds the account use cases.
type Service struct {
	store         *Store
	audit         *audit.Recorder
	confirm       *confirm.Confirmer
	clock         clock.Clock
	hasher        Hasher
	restoreWindow time.Duration
	throttle      *Throttle
	cache         *authCache
	// dummyHash is verified against when an email is unknown, so that a wrong
	// email takes as long as a wrong password; made on first need, not at start.
	dummyHash     string
	dummyHashOnce sync.Once
}

// Deps are what the service is built from.
type Deps struct {
	Store   *Store
	Audit   *audit.Recorder
	Confirm *confirm.Confirmer
	Clock   clock.Clock
	Hasher  Hasher
	// RestoreWindow is how long a deleted user can be restored before the
	// purge job removes it for good.
	RestoreWindow time.Duration
}

// NewService returns the account service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, audit: d.Audit, confirm: d.Confirm, clock: d.Clock, hasher: d.Hasher, restoreWindow: d.RestoreWindow,
		throttle: NewThrottle(loginWindow), cache: newAuthCache()}
}

// Session is the result of a login.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      User      `json:"user"`
}

// Login checks an email and password and opens a session. Failed attempts are
// throttled per account and per client address.
func (s *Service) Login(ctx context.Context, email, password, clientAddr string) (Session, error) {
	now := s.clock.Now()
	accountKey, addressKey := "account:"+emailKey(email), "address:"+clientAddr
	wait := max(s.throttle.RetryAfter(accountKey, failuresPerAccount, now), s.throttle.RetryAfter(addressKey, failuresPerAddress, now))
	if wait > 0 {
		seconds := int(math.Ceil(wait.Seconds()))
		e := errTooManyAttempts.With("seconds", seconds)
		e.Extra = map[string]any{"retry_after": seconds}
		return Session{}, e
	}
	u, err := s.store.UserByEmail(ctx, email)
	hash := u.passwordHash
	if errors.Is(err, problem.ErrNotFound) {
		s.dummyHashOnce.Do(func() { s.dummyHash = s.hasher.Hash("steward-not-a-password") })
		hash = s.dummyHash
	} else if err != nil {
		return Session{}, err
	}
	ok, verr := s.hasher.Verify(hash, password)
	if verr != nil {
		return Session{}, verr
	}
	if !ok || u.ID == "" {
		s.throttle.Fail(accountKey, now)
		s.throttle.Fail(addressKey, now)
		return Session{}, ErrInvalidCredentials
	}
	s.throttle.Forget(accountKey)
	expires := now.Add(sessionLifetime)
	var t Token
	err = s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		t, err = s.issueToken(ctx, tx, u.ID, Token{Kind: KindSession, Name: "login", ExpiresAt: &expires})
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), OrgID: u.OrgID,
			Action: "session.create", TargetType: "user", TargetID: u.ID})
	})
	if err != nil {
		return Session{}, err
	}
	return Session{Token: t.Secret, ExpiresAt: expires, User: u}, nil
}

func (s *Service) issueToken(ctx context.Context, q db.Querier, userID string, t Token) (Token, error) {
	prefix := sessionTokenPrefix
	if t.Kind == KindAPI {
		prefix = apiTokenPrefix
	}
	t.ID = id.New("tok", s.clock.Now())
	t.CreatedAt = s.clock.Now()
	t.Secret = prefix + id.Secret(tokenSecretBytes)
	if err := s.store.InsertToken(ctx, q, userID, t, hashToken(t.Secret)); err != nil {
		return Token{}, err
	}
	return t, nil
}

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Authenticate resolves a token to its actor; unknown or expired is (nil, nil).
func (s *Service) Authenticate(ctx context.Context, token string) (*actor.Actor, error) {
	if token == "" {
		return nil, nil
	}
	hash, now := hashToken(token), s.clock.Now()
	if u, tokenID, ok := s.cache.get(hash, now); ok {
		return u.Actor(tokenID), nil
	}
	u, tokenID, expires, err := s.store.Authenticate(ctx, hash, now)
	if errors.Is(err, problem.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.cache.put(hash, tokenID, u, expires, now)
	return u.Actor(tokenID), nil
}

// Logout ends the session or token the actor used.
func (s *Service) Logout(ctx context.Context, a *actor.Actor) error {
	defer s.cache.forget(a.UserID)
	return s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.store.DeleteToken(ctx, tx, a.UserID, a.TokenID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{OrgID: a.OrgID, Action: "session.end", TargetType: "token", TargetID: a.TokenID})
	})
}

// TokenInput is the body of an API token create.
type TokenInput struct {
	Name      string
	ExpiresAt *time.Time
}

// CreateToken issues a named API token for the actor; its secret is returned
// once and only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, a *actor.Actor, in TokenInput) (Token, error) {
	var bad problem.Invalid
	checkText(&bad, "name", in.Name, maxTokenNameRunes)
	now := s.clock.Now()
	if in.ExpiresAt != nil {
		at := in.ExpiresAt.UTC()
		in.ExpiresAt = &at
		switch {
		case !at.After(now):
			bad.Add("expires_at", "field.expires_at_past")
		case at.After(now.AddDate(0, 0, maxTokenLifetimeDay)):
			bad.Add("expires_at", "field.expires_at_too_far")
		}
	}
	if err := bad.Err(); err != nil {
		return Token{}, err
	}
	var t Token
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		var err error
		if t, err = s.issueToken(ctx, tx, a.UserID, Token{Kind: KindAPI, Name: in.Name, ExpiresAt: in.ExpiresAt}); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{OrgID: a.OrgID, Action: "token.create", TargetType: "token", TargetID: t.ID,
			Changes: audit.Diff(nil, audit.Fields{"name": t.Name, "expires_at": t.ExpiresAt})})
	})
	return t, err
}

// Tokens lists the actor's API tokens (without secrets).
func (s *Service) Tokens(ctx context.Context, a *actor.Actor) ([]Token, error) {
	return s.store.UserTokens(ctx, a.UserID)
}

// RevokeToken deletes one of the actor's own tokens.
func (s *Service) RevokeToken(ctx context.Context, a *actor.Actor, tokenID string) error {
	defer s.cache.forget(a.UserID)
	return s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		found, err := s.store.DeleteToken(ctx, tx, a.UserID, tokenID)
		if err != nil {
			return err
		}
		if !found {
			return problem.ErrNotFound
		}
		return s.audit.Record(ctx, tx, audit.Entry{OrgID: a.OrgID, Action: "token.revoke", TargetType: "token", TargetID: tokenID})
	})
}

// Me returns the actor's own account.
func (s *Service) Me(ctx context.Context, a *actor.Actor) (User, error) {
	if u, ok := s.cache.user(a.UserID, s.clock.Now()); ok {
		return u, nil
	}
	return s.store.UserByID(ctx, s.store.DB(), a.UserID)
}

// UpdateProfile changes the actor's own name, language or password; a new
// password needs the current one and ends the actor's other sessions.
func (s *Service) UpdateProfile(ctx context.Context, a *actor.Actor, p ProfilePatch) (User, error) {
	defer s.cache.forget(a.UserID)
	var out User
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		u, err := s.store.UserByID(ctx, tx, a.UserID)
		if err != nil {
			return err
		}
		patch := UserPatch{Name: p.Name, Locale: p.Locale, Password: p.Password}
		if err := patch.normalize(u.Email); err != nil {
			return err
		}
		if p.Password != nil {
			if ok, _ := s.hasher.Verify(u.passwordHash, p.CurrentPassword); !ok {
				return problem.InvalidField("current_password", "field.current_password")
			}
		}
		out, err = s.applyPatch(ctx, tx, u, patch, a.TokenID)
		return err
	})
	return out, err
}

func (s *Service) applyPatch(ctx context.Context, tx *db.Tx, u User, p UserPatch, keepToken string) (User, error) {
	before := u.auditFields()
	if p.Name != nil {
		u.Name = *p.Name
	}
	if p.Role != nil {
		u.Role = *p.Role
	}
	if p.Locale != nil {
		u.Locale = *p.Locale
	}
	if p.Password != nil {
		u.passwordHash = s.hasher.Hash(*p.Password)
		if err := s.store.DeleteUserTokens(ctx, tx, u.ID, keepToken); err != nil {
			return User{}, err
		}
	}
	u.UpdatedAt = s.clock.Now()
	if err := s.store.UpdateUser(ctx, tx, u); err != nil {
		return User{}, err
	}
	changes := audit.Diff(before, u.auditFields())
	if p.Password != nil {
		changes["password"] = audit.Change{Before: "…", After: "changed"}
	}
	return u, s.audit.Record(ctx, tx, audit.Entry{OrgID: u.OrgID, Action: "user.update", TargetType: "user", TargetID: u.ID, Changes: changes})
}

// SetLocale saves the language a person chose with the switch.
func (s *Service) SetLocale(ctx context.Context, a *actor.Actor, locale string) error {
	_, err := s.UpdateProfile(ctx, a, ProfilePatch{Locale: &locale})
	return err
}
