package confirm

import (
	"context"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/problem"
)

func TestTokensBindActionObjectAndTime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := clock.NewManual(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
		conf, err := Load(context.Background(), d, c)
		if err != nil {
			t.Fatal(err)
		}
		// A second instance on the same database shares the key.
		other, err := Load(context.Background(), dbtest.Reopen(t, d), c)
		if err != nil {
			t.Fatal(err)
		}
		token, _ := conf.Issue("user.delete", "usr_1")
		cases := []struct {
			name          string
			token, action string
			object        string
			advance       time.Duration
			want          string
		}{
			{"the right one", token, "user.delete", "usr_1", 0, ""},
			{"another object", token, "user.delete", "usr_2", 0, "confirmation.mismatch"},
			{"another action", token, "attachment.delete", "usr_1", 0, "confirmation.mismatch"},
			{"garbage", "not-a-token", "user.delete", "usr_1", 0, "confirmation.invalid"},
			{"tampered", token[:len(token)-2] + "AA", "user.delete", "usr_1", 0, "confirmation.mismatch"},
			{"expired", token, "user.delete", "usr_1", TokenLifetime + time.Second, "confirmation.expired"},
		}
		for _, tc := range cases {
			c.Advance(tc.advance)
			err := other.Check(tc.token, tc.action, tc.object)
			got := ""
			if pe, ok := problem.As(err); ok {
				got = pe.Code
			} else if err != nil {
				t.Fatalf("%s: %v is not a problem", tc.name, err)
			}
			if got != tc.want {
				t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
			}
		}
	})
}

func TestTypedName(t *testing.T) {
	for typed, want := range map[string]bool{"王强": true, " 王强 ": true, "王": false, "": false, "王强强": false} {
		if TypedMatches(typed, "王强") != want {
			t.Errorf("TypedMatches(%q) = %v", typed, !want)
		}
	}
}

func FuzzCheckNeverPanics(f *testing.F) {
	c := &Confirmer{key: []byte("k"), clock: clock.NewManual(time.Unix(0, 0))}
	tok, _ := c.Issue("a", "b")
	for _, s := range []string{tok, "", "====", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		if err := c.Check(token, "a", "b"); err != nil {
			if _, ok := problem.As(err); !ok {
				t.Fatalf("Check(%q) returned a non-problem %v", token, err)
			}
		}
	})
}
