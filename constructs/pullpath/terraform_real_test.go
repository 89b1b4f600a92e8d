package pullpath

import (
	"os"
	"strings"
	"testing"
)

// TestTerraformReal reads folders named in PULLPATH_TF_DIRS (comma
// separated) and prints their models: a manual check on real
// configurations.
func TestTerraformReal(t *testing.T) {
	dirs := os.Getenv("PULLPATH_TF_DIRS")
	if dirs == "" {
		t.Skip("PULLPATH_TF_DIRS not set")
	}
	for _, d := range strings.Split(dirs, ",") {
		m, err := ReadTerraform(d, TerraformOptions{})
		if err != nil {
			t.Errorf("%s: %v", d, err)
			continue
		}
		t.Log("\n" + tfDump(m))
	}
}
