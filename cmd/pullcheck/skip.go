package main

import (
	"fmt"
	"io"
	"os"

	"github.com/privatepull/privatepull/constructs/pullpath/cloudformation"
)

// skipNonTemplates returns the paths without the regular files that are not
// CloudFormation templates (cloudformation.IsTemplate), writing one line on w for each it
// drops. Folders, "-" and files it cannot read are kept, for the reader to
// judge or report.
func skipNonTemplates(paths []string, w io.Writer) []string {
	var kept []string
	for _, p := range paths {
		if fi, err := os.Stat(p); p != "-" && err == nil && fi.Mode().IsRegular() {
			if data, err := os.ReadFile(p); err == nil && !cloudformation.IsTemplate(data) {
				fmt.Fprintf(w, "pullcheck: skipped %s: not a CloudFormation template\n", p)
				continue
			}
		}
		kept = append(kept, p)
	}
	return kept
}
