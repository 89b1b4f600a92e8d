package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/privatepull/privatepull/constructs/pullpath"
	pullaws "github.com/privatepull/privatepull/constructs/pullpath/aws"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// readTimeout bounds a read of an account.
const readTimeout = 10 * time.Minute

// runAWS is `pullcheck aws`: it reads the account and region of the SDK's
// default credential chain, read-only, and judges every service there (or
// those -cluster and -service name), as `pullcheck PATH` judges templates.
// It exits 2 with one line when there are no credentials or no region.
func runAWS(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("pullcheck aws", flag.ContinueOnError)
	flags.SetOutput(stderr)
	region := flags.String("region", "", "the region (default: AWS_REGION or the profile's)")
	profile := flags.String("profile", "", "a profile of the shared config (default: AWS_PROFILE or default)")
	save := flags.String("save", "", "write what was read to FILE as a snapshot (pullcheck FILE judges it offline)")
	format := flags.String("format", "text", "report format: text, json or sarif")
	mermaid := flags.Bool("mermaid", false, "print each ECS service's pull path as a Mermaid flowchart instead")
	requirePrivate := flags.Bool("require-private", false, "exit 1 when a service is not private (skipped ones aside)")
	stopped := flags.Int("stopped", 5, "read the last N stopped tasks of each service and tie their reasons to the findings (0: none)")
	var clusters, services list
	flags.Var(&clusters, "cluster", "a cluster name or ARN (repeatable; default: every cluster of the region)")
	flags.Var(&services, "service", "a service name or ARN (repeatable; default: every service of the clusters)")
	many := addManyFlags(flags)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: pullcheck aws [-region R] [-profile P] [-cluster C]... [-service S]... [-save FILE] [-stopped N] [-format text|json|sarif] [-mermaid] [-require-private]")
		fmt.Fprintln(stderr, "       pullcheck aws -regions R,R|all [-accounts ID,ID|org|@FILE -assume-role ROLE-ARN] [-concurrency N] ...")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "pullcheck aws: unexpected argument %q (a folder named aws is checked as pullcheck ./aws)\n", flags.Arg(0))
		return 2
	}
	if *stopped < 0 {
		fmt.Fprintf(stderr, "pullcheck aws: -stopped %d: want 0 or more\n", *stopped)
		return 2
	}
	if *format != "text" && *format != "json" && *format != "sarif" {
		fmt.Fprintf(stderr, "pullcheck aws: -format %s: want text, json or sarif\n", *format)
		return 2
	}
	if many.given(flags) {
		return runMany(many, awsCommon{*region, *profile, *save, *format, *mermaid, *requirePrivate, clusters, services, *stopped}, stdout, stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	var opts []func(*config.LoadOptions) error
	if *region != "" {
		opts = append(opts, config.WithRegion(*region))
	}
	if *profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(*profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	switch {
	case err != nil:
		fmt.Fprintln(stderr, "pullcheck aws:", firstLine(err))
		return 2
	case cfg.Region == "":
		fmt.Fprintln(stderr, "pullcheck aws: no region: set AWS_REGION or pass -region")
		return 2
	case cfg.Credentials == nil:
		fmt.Fprintln(stderr, "pullcheck aws: no AWS credentials: set them in the environment, the shared config (aws configure, aws sso login) or pass -profile")
		return 2
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		fmt.Fprintln(stderr, "pullcheck aws: no AWS credentials:", firstLine(err))
		return 2
	}
	s, err := pullaws.Read(ctx, cfg, pullaws.Options{Clusters: clusters, Services: services, Stopped: *stopped})
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "pullcheck aws:", line)
		}
		return 2
	}
	if *save != "" {
		raw, err := snapshot.Encode(s)
		if err == nil {
			err = os.WriteFile(*save, raw, 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "pullcheck aws: -save:", err)
			return 2
		}
	}
	report := pullpath.Judge(snapshot.Model(s))
	switch {
	case *mermaid:
		fmt.Fprint(stdout, report.Mermaid())
	case *format == "json":
		report.WriteJSON(stdout)
	case *format == "sarif":
		report.WriteSARIF(stdout)
	default:
		report.WriteText(stdout)
	}
	if report.Failed(*requirePrivate) {
		return 1
	}
	return 0
}

// firstLine is the first line of an error, for a one-line message.
func firstLine(err error) string {
	if err == nil {
		return "unknown error"
	}
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}
