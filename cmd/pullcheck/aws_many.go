package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/privatepull/privatepull/constructs/pullpath"
	pullaws "github.com/privatepull/privatepull/constructs/pullpath/aws"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// manyFlags are the flags of pullcheck aws for many accounts and regions.
type manyFlags struct {
	regions, accounts, assumeRole *string
	// concurrency is a string so that a bad value is one line, as the
	// others' are
	concurrency *string
}

// addManyFlags defines -regions, -accounts, -assume-role and -concurrency.
func addManyFlags(flags *flag.FlagSet) *manyFlags {
	return &manyFlags{
		regions:     flags.String("regions", "", "regions to read, comma-separated, or all: those each account has enabled"),
		accounts:    flags.String("accounts", "", "accounts to read (with -assume-role): ids comma-separated, org (the organization's active accounts) or @FILE (one id a line)"),
		assumeRole:  flags.String("assume-role", "", "the role to assume in each account, arn:aws:iam::{account}:role/NAME"),
		concurrency: flags.String("concurrency", strconv.Itoa(pullaws.DefaultPoolConcurrency), "calls in flight at most, over every account and region"),
	}
}

// given says whether any of the flags was passed: then the read goes
// through runMany.
func (m *manyFlags) given(flags *flag.FlagSet) bool {
	set := false
	flags.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "regions", "accounts", "assume-role", "concurrency":
			set = true
		}
	})
	return set
}

// awsCommon are the flags runAWS and runMany share.
type awsCommon struct {
	region, profile, save, format string
	mermaid, requirePrivate       bool
	clusters, services            []string
	stopped                       int
}

var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// targets checks the flags' values and turns them into what to read.
func (m *manyFlags) targets(c awsCommon) (pullaws.Targets, int, error) {
	var t pullaws.Targets
	n, err := strconv.Atoi(*m.concurrency)
	if err != nil || n < 1 {
		return t, 0, fmt.Errorf("-concurrency %s: want a number, 1 or more", *m.concurrency)
	}
	switch r := *m.regions; {
	case r != "" && c.region != "":
		return t, 0, errors.New("-region and -regions: pass one")
	case r == "all":
		t.AllRegions = true
	case r != "":
		for _, name := range strings.Split(r, ",") {
			name = strings.TrimSpace(name)
			if !regionName.MatchString(name) {
				return t, 0, fmt.Errorf("-regions: %q is not a region (eu-west-1,us-east-1 or all)", name)
			}
			t.Regions = append(t.Regions, name)
		}
	}
	switch a := *m.accounts; {
	case a == "":
	case a == "org":
		t.Org = true
	case strings.HasPrefix(a, "@"):
		raw, err := os.ReadFile(a[1:])
		if err != nil {
			return t, 0, fmt.Errorf("-accounts: %v", err)
		}
		if t.Accounts, err = pullaws.ParseAccounts(string(raw)); err != nil {
			return t, 0, fmt.Errorf("-accounts %s: %v", a, err)
		}
	default:
		if t.Accounts, err = pullaws.ParseAccounts(a); err != nil {
			return t, 0, fmt.Errorf("-accounts: %v", err)
		}
	}
	if *m.accounts != "" && *m.assumeRole == "" {
		return t, 0, errors.New("-accounts needs -assume-role, the role to assume in each account (arn:aws:iam::{account}:role/NAME)")
	}
	if r := *m.assumeRole; r != "" {
		if *m.accounts == "" {
			return t, 0, errors.New("-assume-role needs -accounts: ids, org or @FILE")
		}
		n := len(t.Accounts)
		if t.Org {
			n = 2
		}
		if err := pullaws.ValidRoleTemplate(r, n); err != nil {
			return t, 0, fmt.Errorf("-assume-role: %v", err)
		}
		t.RoleTemplate = r
	}
	return t, n, nil
}

// runMany is pullcheck aws over many accounts and regions: each account
// and region is read into its own environment (aws://ACCOUNT/REGION) and
// all are judged as one set. An account or region that cannot be read is
// one line on standard error and an input of the report that hides its
// services, saying why; it exits 2 only when none could be read.
func runMany(m *manyFlags, c awsCommon, stdout, stderr io.Writer) int {
	t, concurrency, err := m.targets(c)
	if err != nil {
		fmt.Fprintln(stderr, "pullcheck aws:", err)
		return 2
	}
	// each account and region has its own bound (PairTimeout): a large
	// organization may take longer in all
	ctx := context.Background()
	var opts []func(*config.LoadOptions) error
	if c.region != "" {
		opts = append(opts, config.WithRegion(c.region))
	}
	if c.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	switch {
	case err != nil:
		fmt.Fprintln(stderr, "pullcheck aws:", firstLine(err))
		return 2
	case cfg.Region == "" && len(t.Regions) == 0 && !t.AllRegions:
		fmt.Fprintln(stderr, "pullcheck aws: no region: set AWS_REGION or pass -region or -regions")
		return 2
	case cfg.Credentials == nil:
		fmt.Fprintln(stderr, "pullcheck aws: no AWS credentials: set them in the environment, the shared config (aws configure, aws sso login) or pass -profile")
		return 2
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		fmt.Fprintln(stderr, "pullcheck aws: no AWS credentials:", firstLine(err))
		return 2
	}
	var progress pullaws.Progress
	stop := showProgress(stderr, &progress)
	res, err := pullaws.ReadAll(ctx, cfg, t, pullaws.Options{Clusters: c.clusters, Services: c.services, Concurrency: concurrency, Stopped: c.stopped}, &progress)
	stop()
	if err != nil {
		fmt.Fprintln(stderr, "pullcheck aws:", firstLine(err))
		return 2
	}
	for _, f := range res.Failed {
		fmt.Fprintf(stderr, "pullcheck aws: %s: %s\n", f.Path(), f.Why())
	}
	if len(res.Snapshots) == 0 {
		fmt.Fprintln(stderr, "pullcheck aws: no account and region could be read")
		return 2
	}
	set := &snapshot.Set{Snapshots: res.Snapshots, Failed: res.Failed}
	if c.save != "" {
		raw, err := snapshot.EncodeSet(set)
		if err == nil {
			err = os.WriteFile(c.save, raw, 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "pullcheck aws: -save:", err)
			return 2
		}
	}
	report := pullpath.Judge(snapshot.SetModel(set))
	switch {
	case c.mermaid:
		fmt.Fprint(stdout, report.Mermaid())
	case c.format == "json":
		report.WriteJSON(stdout)
	case c.format == "sarif":
		report.WriteSARIF(stdout)
	default:
		report.WriteText(stdout)
	}
	if report.Failed(c.requirePrivate) {
		return 1
	}
	return 0
}

// showProgress writes a progress line to stderr, carriage-return updated,
// while a read of more than one account and region goes on, when stderr
// is a terminal and CI is not set; the function it returns stops it and
// clears the line.
func showProgress(stderr io.Writer, p *pullaws.Progress) func() {
	f, ok := stderr.(*os.File)
	if !ok || !progressWanted(f) {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	width := 0
	draw := func() {
		if p.Total.Load() < 2 {
			return
		}
		line := fmt.Sprintf("pullcheck aws: %d/%d accounts, %d/%d accounts and regions read, %d calls",
			p.AccountsDone.Load(), p.Accounts.Load(), p.Done.Load(), p.Total.Load(), p.Calls.Load())
		width = max(width, len(line))
		fmt.Fprintf(f, "\r%-*s", width, line)
	}
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				if width > 0 {
					fmt.Fprintf(f, "\r%s\r", strings.Repeat(" ", width))
				}
				return
			case <-tick.C:
				draw()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// progressWanted says whether f is a terminal, outside CI.
func progressWanted(f *os.File) bool {
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
