package licensefile_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"steward.dev/steward/pkg/licensefile"
)

// A vendor's program checks its license at start: the keys saved from
// GET /api/v1/keys and the revocation list from GET /api/v1/licenses/revoked
// ship with it or are fetched now and then; nothing needs the network.
func Example_verify() {
	keysJSON, err := os.ReadFile("testdata/example-keys.json")
	if err != nil {
		panic(err)
	}
	keys, err := licensefile.ParseKeys(keysJSON)
	if err != nil {
		panic(err)
	}
	revokedJSON, err := os.ReadFile("testdata/example-revocations.json")
	if err != nil {
		panic(err)
	}
	revoked, err := licensefile.ParseRevocationList(revokedJSON, keys)
	if err != nil {
		panic(err)
	}
	file, err := os.ReadFile("testdata/example.license")
	if err != nil {
		panic(err)
	}

	for _, now := range []time.Time{
		time.Date(2027, 3, 1, 9, 0, 0, 0, licensefile.Beijing), // time.Now() in a real program
		time.Date(2027, 12, 1, 0, 0, 0, 0, licensefile.Beijing),
	} {
		l, err := licensefile.Verify(file, keys, now, licensefile.WithRevocations(revoked))
		var e *licensefile.Error
		switch {
		case errors.Is(err, licensefile.ErrExpired) && errors.As(err, &e):
			fmt.Printf("expired: the last day was %s; renew the subscription\n", e.License.ValidUntil)
		case err != nil:
			fmt.Println("refused:", err)
		default:
			fmt.Printf("%s licensed to %s: %s %s, modules %s, %d users, until %s\n",
				l.LicenseID, l.OrgName, l.Product, l.Version, strings.Join(l.Modules, " "), l.Users, l.ValidUntil)
		}
	}
	// Output:
	// lic_example0001 licensed to 示例科技有限公司: k3cloud 9.0, modules ap ar gl inv, 120 users, until 2027-11-30
	// expired: the last day was 2027-11-30; renew the subscription
}
