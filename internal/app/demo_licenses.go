package app

import (
	"context"
	"strings"

	"steward.dev/steward/internal/license"
)

// DemoLicenseID is the fixed id of the demo license issued on a demo
// contract: ctr_demo_cloud's is lic_demo_cloud.
func DemoLicenseID(contractID string) string {
	return "lic_" + strings.TrimPrefix(contractID, "ctr_")
}

// loadDemoLicenses issues a license on each demo contract that has none yet
// (an upgraded one keeps its history), so restarts add nothing.
func loadDemoLicenses(ctx context.Context, licenses *license.Service) error {
	for _, c := range DemoContracts {
		if err := licenses.EnsureDemo(ctx, c.OrgID, c.ID, DemoLicenseID(c.ID)); err != nil {
			return err
		}
	}
	return nil
}
