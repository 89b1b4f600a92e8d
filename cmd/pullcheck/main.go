// Command pullcheck runs privatepull's pull-path rules on CloudFormation
// templates (JSON or YAML, CDK-made or not) and prints what it finds:
//
//	go run github.com/privatepull/privatepull/cmd/pullcheck [-mermaid] TEMPLATE...
//
// With -mermaid it prints instead, for each ECS service of each (JSON)
// template, its pull path as a Mermaid flowchart in Markdown, with the
// findings drawn as dashed red edges (see privatepull.PullPathMermaid).
//
// It exits 0 when no finding is an error, 1 when one is, and 2 when a file
// cannot be read or parsed.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	defer jsii.Close()
	flags := flag.NewFlagSet("pullcheck", flag.ContinueOnError)
	mermaid := flags.Bool("mermaid", false, "print each ECS service's pull path as a Mermaid flowchart (JSON templates only)")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "usage: pullcheck [-mermaid] TEMPLATE...")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	files := flags.Args()
	if len(files) == 0 {
		flags.Usage()
		return 2
	}
	code := 0
	for _, file := range files {
		findings, err := privatepull.CheckTemplate(file)
		if err == nil && *mermaid {
			var diagram string
			diagram, err = privatepull.PullPathMermaid(file, findings)
			fmt.Print(diagram)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "pullcheck:", err)
			code = 2
			continue
		}
		report := io.Writer(os.Stdout)
		if *mermaid {
			report = io.Discard // the diagram shows the findings
		}
		for _, f := range findings {
			fmt.Fprintf(report, "%s: %s %s %s: %s\n", file, f.Severity, f.RuleID, f.Resource, f.Message)
			if f.Severity == "error" && code == 0 {
				code = 1
			}
		}
		if len(findings) == 0 {
			fmt.Fprintf(report, "%s: pull path complete\n", file)
		}
	}
	return code
}
