package notify

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
)

// newClient sends with t and never follows a redirect: a receiver that
// redirects has moved, and its answer is a failure the log names rather than
// a POST sent on to wherever it points. Each attempt's context bounds the time.
func newClient(t http.RoundTripper) *http.Client {
	return &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// publicTransport connects only to public addresses, checked on the address
// actually dialled (after DNS, so a name that resolves inward is caught too).
// A customer_admin chooses these addresses: they must not reach the vendor's
// own network. It uses no proxy, since the proxy's own address would be the
// one checked.
func publicTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = (&net.Dialer{Control: publicOnly}).DialContext
	return t
}

// publicOnly refuses a connection to anything but a public unicast address.
func publicOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if !public(ip) {
		return fmt.Errorf("%s is not a public address: an organisation's channel may only reach the internet", ip)
	}
	return nil
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598), not
// reachable from the internet either.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// public reports whether ip is a public unicast address.
func public(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !cgnat.Contains(ip)
}
