package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// Authenticator resolves a session or API token to its actor; account
// implements it and app wires it in. An unknown or expired token is (nil, nil).
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (*actor.Actor, error)
}

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "steward_session"

// LangCookie remembers the language a person chose with the switch.
const LangCookie = "steward_lang"

// ErrBadToken answers a request whose bearer token is unknown or expired.
var ErrBadToken = problem.New(http.StatusUnauthorized, "auth.invalid_token")

// requestInfo travels with a request through every layer; the route handler
// fills in the matched pattern for logs and metrics.
type requestInfo struct {
	id     string
	route  string
	lang   i18n.Lang
	client string
}

type infoKey struct{}

func info(ctx context.Context) *requestInfo {
	if ri, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		return ri
	}
	return &requestInfo{lang: i18n.Chinese}
}

// RequestID returns the request's id.
func RequestID(ctx context.Context) string { return info(ctx).id }

// ClientAddrOf returns the address the request came from (for the audit trail).
func ClientAddrOf(ctx context.Context) string { return info(ctx).client }

// Lang returns the language the response is in.
func Lang(ctx context.Context) i18n.Lang { return info(ctx).lang }

// ClientAddr is the address the request came from, without the port.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// forwardedFor returns the address the proxy saw, as host:port.
func forwardedFor(r *http.Request) string {
	list := r.Header.Values("X-Forwarded-For")
	if len(list) == 0 {
		return r.RemoteAddr
	}
	parts := strings.Split(list[len(list)-1], ",")
	last := strings.TrimSpace(parts[len(parts)-1])
	if net.ParseIP(last) == nil {
		return r.RemoteAddr
	}
	return net.JoinHostPort(last, "0")
}

// Middleware builds the chain every request passes through.
type Middleware struct {
	Auth    Authenticator
	Metrics *Metrics
	Pages   *Renderer
	Logger  *slog.Logger
	// TrustProxy takes the client address from the last X-Forwarded-For entry,
	// which the reverse proxy in front of Steward appends.
	TrustProxy bool
}

// Wrap returns h behind recovery, request ids, logging and metrics,
// cross-origin protection, authentication and language selection.
func (m *Middleware) Wrap(h http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.fail(w, r, problem.New(http.StatusForbidden, "request.cross_origin"))
	}))
	return m.observe(m.recover(csrf.Handler(m.authenticate(h))))
}

func (m *Middleware) fail(w http.ResponseWriter, r *http.Request, err error) {
	if IsAPI(r) {
		WriteProblem(w, r, err)
		return
	}
	m.Pages.Error(w, r, err)
}

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// observe assigns the request id, then logs and counts the finished request.
func (m *Middleware) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if m.TrustProxy {
			r.RemoteAddr = forwardedFor(r)
		}
		ri := &requestInfo{id: r.Header.Get("X-Request-Id"), lang: i18n.Chinese, route: "unmatched", client: ClientAddr(r)}
		if !validRequestID.MatchString(ri.id) {
			ri.id = id.Secret(10)
		}
		w.Header().Set("X-Request-Id", ri.id)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, ri)))
		elapsed := time.Since(start)
		m.Metrics.observe(ri.route, r.Method, sw.status, elapsed)
		m.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", ri.id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("route", ri.route), slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", elapsed), slog.String("client", ClientAddr(r)))
	})
}

func (m *Middleware) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				m.Logger.ErrorContext(r.Context(), "panic", "value", v, "request_id", RequestID(r.Context()), "stack", string(debug.Stack()))
				m.fail(w, r, errInternal)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the bearer token or session cookie, then picks the
// response language: the switch's cookie, Accept-Language, the user's own
// setting, zh-CN. (A browser login sets the cookie from the account's
// setting, so in a browser a person's chosen language follows them.)
func (m *Middleware) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := info(r.Context())
		ri.lang = requestLang(r, nil)
		var a *actor.Actor
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			var err error
			if a, err = m.Auth.Authenticate(r.Context(), strings.TrimSpace(bearer)); err != nil || a == nil {
				if err != nil {
					m.Logger.ErrorContext(r.Context(), "authenticate", "err", err)
				}
				m.fail(w, r, ErrBadToken)
				return
			}
		} else if c, err := r.Cookie(SessionCookie); err == nil {
			if a, err = m.Auth.Authenticate(r.Context(), c.Value); err != nil || a == nil {
				ClearSession(w, r)
				a = nil
			}
		}
		if a != nil {
			ri.lang = requestLang(r, a)
			r = r.WithContext(actor.With(r.Context(), a))
		}
		next.ServeHTTP(w, r)
	})
}

func requestLang(r *http.Request, a *actor.Actor) i18n.Lang {
	if c, err := r.Cookie(LangCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	if l, ok := i18n.FromAcceptLanguage(r.Header.Get("Accept-Language")); ok {
		return l
	}
	if a != nil {
		if l, ok := i18n.Parse(a.Locale); ok {
			return l
		}
	}
	return i18n.Chinese
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wroteHeader = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// ReadFrom passes a body on to the connection's own ReadFrom, which
// http.ServeContent of an *os.File needs to reach the kernel's sendfile
// (patch downloads); without it io.Copy would copy through user space.
func (s *statusWriter) ReadFrom(src io.Reader) (int64, error) {
	s.wroteHeader = true
	n, err := io.Copy(s.ResponseWriter, src)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// RequireActor returns the authenticated actor or a 401 problem.
func RequireActor(r *http.Request) (*actor.Actor, error) {
	a := actor.From(r.Context())
	if a == nil {
		return nil, problem.ErrUnauthenticated
	}
	return a, nil
}

// SetSession gives the browser its session cookie.
func SetSession(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: overTLS(r),
	})
}

// ClearSession removes the session cookie.
func ClearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: overTLS(r),
	})
}

// SetLang remembers the language a person chose.
func SetLang(w http.ResponseWriter, r *http.Request, l i18n.Lang) {
	http.SetCookie(w, &http.Cookie{
		Name: LangCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: overTLS(r),
	})
	info(r.Context()).lang = l
}

// overTLS reports whether the browser reached us over TLS, directly or
// through a proxy that terminates it.
func overTLS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// LocalPath returns next when it is a path on this site, else fallback; it
// keeps redirects after login or a language switch from leaving the site.
func LocalPath(next, fallback string) string {
	// Browsers drop tabs and newlines from URLs, so "/\t/evil" would become
	// "//evil": refuse control characters as well as "//" and "/\".
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return fallback
	}
	return next
}
