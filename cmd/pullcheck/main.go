// Command pullcheck runs privatepull's pull-path rules on CloudFormation
// templates (JSON or YAML, CDK-made or not) and prints what it finds:
//
//	go run github.com/privatepull/privatepull/cmd/pullcheck TEMPLATE...
//
// It exits 0 when no finding is an error, 1 when one is, and 2 when a file
// cannot be read or parsed.
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(files []string) int {
	defer jsii.Close()
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "usage: pullcheck TEMPLATE...")
		return 2
	}
	code := 0
	for _, file := range files {
		findings, err := privatepull.CheckTemplate(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pullcheck:", err)
			code = 2
			continue
		}
		for _, f := range findings {
			fmt.Printf("%s: %s %s %s: %s\n", file, f.Severity, f.RuleID, f.Resource, f.Message)
			if f.Severity == "error" && code == 0 {
				code = 1
			}
		}
		if len(findings) == 0 {
			fmt.Printf("%s: pull path complete\n", file)
		}
	}
	return code
}
