package account

import (
	"sync"
	"time"
)

// authCache keeps recently authenticated tokens and their users in memory
// for a few seconds, so that a script's burst of requests does not look each
// token up in the database. Every change to a user on this instance forgets
// that user at once; another instance on the same PostgreSQL notices a logout,
// a revoked token or a deleted user within authCacheTTL.
type authCache struct {
	mu     sync.RWMutex
	tokens map[string]cachedToken // by token hash
	users  map[string]cachedUser  // by user id
}

// authCacheTTL bounds how stale a cached authentication may be.
const authCacheTTL = 5 * time.Second

// authCacheMax bounds the memory the cache may hold; past it, it starts over.
const authCacheMax = 10000

type cachedToken struct {
	userID, tokenID string
	until           time.Time
}

type cachedUser struct {
	user  User
	until time.Time
}

func newAuthCache() *authCache {
	return &authCache{tokens: map[string]cachedToken{}, users: map[string]cachedUser{}}
}

// get returns the user and token id behind a token hash, if fresh at now.
func (c *authCache) get(hash string, now time.Time) (User, string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t, ok := c.tokens[hash]
	if !ok || !now.Before(t.until) {
		return User{}, "", false
	}
	u, ok := c.users[t.userID]
	if !ok || !now.Before(u.until) {
		return User{}, "", false
	}
	return u.user, t.tokenID, true
}

// user returns a fresh cached user.
func (c *authCache) user(id string, now time.Time) (User, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	u, ok := c.users[id]
	return u.user, ok && now.Before(u.until)
}

// put remembers an authentication until now+TTL, or until the token expires
// if that is sooner.
func (c *authCache) put(hash, tokenID string, u User, tokenExpires *time.Time, now time.Time) {
	until := now.Add(authCacheTTL)
	if tokenExpires != nil && tokenExpires.Before(until) {
		until = *tokenExpires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.tokens) >= authCacheMax {
		c.tokens, c.users = map[string]cachedToken{}, map[string]cachedUser{}
	}
	c.tokens[hash] = cachedToken{userID: u.ID, tokenID: tokenID, until: until}
	c.users[u.ID] = cachedUser{user: u, until: now.Add(authCacheTTL)}
}

// forget drops a user, so that each of their tokens is checked again.
func (c *authCache) forget(userID string) {
	c.mu.Lock()
	delete(c.users, userID)
	c.mu.Unlock()
}
