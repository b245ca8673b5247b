package seed

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Summary returns a readable account of what was seeded: the account, the
// instances, the log groups and the demonstration addresses with their
// record counts over one day and over the whole period.
func (t *Truth) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "account %s in %s, prefix %q, %d days to %s\n",
		t.AccountID, t.Region, t.Prefix, t.Days, t.Now.Format("2006-01-02 15:04:05Z"))
	fmt.Fprintf(&b, "vpc %s  %s  %s\n", t.VPC.ID, t.VPC.CIDR, t.VPC.IPv6CIDR)
	for _, s := range t.Subnets {
		fmt.Fprintf(&b, "  subnet %-8s %s  %s  %s\n", s.Name, s.ID, s.CIDR, s.IPv6CIDR)
	}
	fmt.Fprintf(&b, "  nat gateway %s  %s (interface %s)\n",
		t.NATGateway.ID, t.NATGateway.PrivateIP, t.NATGateway.InterfaceID)

	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "\ninstance\tname\tstate\tprivate\tpublic/ipv6\tinterfaces")
	for _, i := range t.Instances {
		extra := strings.TrimSpace(i.ElasticIP + " " + i.IPv6)
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\n",
			i.ID, i.Name, i.State, i.PrivateIP, dash(extra), len(i.Interfaces))
	}
	w.Flush()

	w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "\nlog group\tlines\trecords\tnodata\tskipdata\tmalformed\tstreams")
	for _, g := range t.Groups {
		sum := g.Total(t.Days)
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\n", g.Name, sum.Lines,
			sum.Records, sum.NoData, sum.SkipData, sum.Malformed, len(g.Streams))
	}
	w.Flush()

	b.WriteString(t.demoSummary())
	return b.String()
}

// demoSummary lists the query addresses with their records in the custom
// group over one day and over the whole period.
func (t *Truth) demoSummary() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	custom := t.CustomGroup().Name
	fmt.Fprintf(w, "\nquery address\trole\trecords 1d\trecords %dd\tpeers %dd\n",
		t.Days, t.Days)
	for _, q := range t.Queries {
		day, all := q.Lookback(custom, 1), q.Lookback(custom, t.Days)
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\n",
			q.IP, q.Role, day.Records, all.Records, len(all.Peers))
	}
	w.Flush()
	return b.String()
}
