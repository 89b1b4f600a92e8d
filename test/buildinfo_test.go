package test

import (
	"runtime/debug"
	"testing"

	"github.com/privatepull/privatepull/internal/buildinfo"
)

// pullcheck -version and the reports' version come from the build info
// (a version set at link time wins: TestPullcheckVersion).
func TestVersionFromBuildInfo(t *testing.T) {
	for _, c := range []struct {
		name, version string
		ok            bool
		want          string
	}{
		{"a release", "v0.3.0", true, "v0.3.0"},
		{"a pseudo-version", "v0.0.0-20261201213100-eb747bb0a1b2", true, "v0.0.0-20261201213100-eb747bb0a1b2"},
		{"a local build", "(devel)", true, "(devel)"},
		{"no version recorded", "", true, "(devel)"},
		{"no build info", "", false, "(devel)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/privatepull/privatepull", Version: c.version}}
			if got := buildinfo.Version(info, c.ok); got != c.want {
				t.Errorf("Version() = %q, want %q", got, c.want)
			}
		})
	}
}
