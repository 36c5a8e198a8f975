//! The list filters (`mlgov_analysis::filter`) on the bundled base: a table of filters and the
//! ids each keeps, in table order — the rows `mlgov list` and the API's lists start from.

use mlgov_analysis::filter::{
    self, EventFilter, LocalityFilter, MembershipFilter, NetworkFilter, OpenEvent,
    OrganisationFilter, YearRule,
};
use mlgov_domain::{Id, KnowledgeBase};

/// What a filter keeps, as the ids of the rows joined by spaces.
type Keep<'a> = Box<dyn Fn(&KnowledgeBase) -> Vec<String> + 'a>;

fn localities(f: LocalityFilter) -> Keep<'static> {
    Box::new(move |kb| f.apply(kb).iter().map(|l| l.id.to_string()).collect())
}

fn networks(f: NetworkFilter) -> Keep<'static> {
    Box::new(move |kb| f.apply(kb).iter().map(|n| n.id.to_string()).collect())
}

fn memberships(f: MembershipFilter) -> Keep<'static> {
    Box::new(move |kb| f.apply(kb).iter().map(|m| m.id.to_string()).collect())
}

fn organisations(f: OrganisationFilter) -> Keep<'static> {
    Box::new(move |kb| {
        kb.organisations.iter().filter(|o| f.matches(o)).map(|o| o.id.to_string()).collect()
    })
}

fn events(f: EventFilter) -> Keep<'static> {
    Box::new(move |kb| {
        kb.events.iter().filter(|e| f.matches(e)).map(|e| e.id.to_string()).collect()
    })
}

fn id(s: &str) -> Option<Id> {
    Some(Id::parse(s).expect("a valid id"))
}

/// Runs every case and lists all the differences at once (`got` is printed with
/// `--nocapture`, ready to paste).
fn check(cases: Vec<(&str, Keep, &str)>) {
    let kb = super::kb();
    let mut wrong = Vec::new();
    for (what, keep, expect) in cases {
        let got = keep(&kb).join(" ");
        println!("({what:?}, {got:?})");
        if got != expect {
            wrong.push(format!("{what}: expected [{expect}], got [{got}]"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_list_filters_keep_these_rows_of_the_bundled_base() {
    check(vec![
        (
            "medium towns in IT (any case)",
            localities(LocalityFilter {
                country: Some("it".into()),
                size: filter::size_class("medium"),
                ..Default::default()
            }),
            "loc:wc-it-piedmont-medium loc:wc-it-sicily-medium",
        ),
        (
            "rural areas in AT with a restrictive outcome",
            localities(LocalityFilter {
                country: Some("AT".into()),
                size: filter::size_class("rural_area"),
                outcome: Some("restrictive".into()),
                ..Default::default()
            }),
            "loc:wc-at-lower-austria-rural",
        ),
        (
            "localities named saint etienne",
            localities(LocalityFilter { q: Some("SAINT etienne".into()), ..Default::default() }),
            "loc:saint-etienne loc:saint-etienne-metropole",
        ),
        (
            "FR members in 2016, dated",
            localities(LocalityFilter {
                year: Some(2016),
                country: Some("FR".into()),
                ..Default::default()
            }),
            "loc:saint-etienne loc:saint-etienne-metropole",
        ),
        (
            "FR members in 2016, overlapping",
            localities(LocalityFilter {
                year: Some(2016),
                country: Some("FR".into()),
                year_rule: YearRule::Overlaps,
                ..Default::default()
            }),
            "loc:lyon loc:saint-etienne loc:saint-etienne-metropole",
        ),
        (
            "ANVITA members in 2018",
            localities(LocalityFilter {
                network: id("net:anvita"),
                year: Some(2018),
                ..Default::default()
            }),
            "loc:nantes loc:strasbourg loc:briancon loc:grande-synthe loc:grenoble loc:ivry-sur-seine loc:lyon-1er-arrondissement loc:montreuil loc:saint-denis",
        ),
        (
            "networks in FR",
            networks(NetworkFilter { country: Some("fr".into()), ..Default::default() }),
            "net:anvita",
        ),
        (
            "national networks active in 2010",
            networks(NetworkFilter {
                scale: Some("national".into()),
                year: Some(2010),
                ..Default::default()
            }),
            "net:anci net:femp net:recosol net:sprar-sai",
        ),
        (
            "grassroots networks",
            networks(NetworkFilter { origin: Some("grassroots".into()), ..Default::default() }),
            "net:anvita net:city-of-sanctuary net:ciudades-refugio net:communes-hospitalieres net:fearless-cities net:palermo-process net:recosol net:solidarity-cities",
        ),
        (
            "militant networks",
            networks(NetworkFilter { position: Some("militant".into()), ..Default::default() }),
            "net:anvita net:ciudades-refugio net:femp-refugee-network net:palermo-process net:red-valenciana",
        ),
        (
            "networks by acronym words",
            networks(NetworkFilter { q: Some("anvita".into()), ..Default::default() }),
            "net:anvita",
        ),
        (
            "memberships of ANVITA by body",
            memberships(MembershipFilter { network: Some("anvita".into()), ..Default::default() }),
            "mem:briancon-anvita-founder mem:grande-synthe-anvita-founder mem:grenoble-anvita-founder mem:ivry-sur-seine-anvita-founder mem:lyon-1er-arrondissement-anvita-founder mem:montreuil-anvita-founder mem:nantes-anvita-founder-p001 mem:saint-denis-anvita-founder mem:strasbourg-anvita-founder-p001",
        ),
        (
            "memberships in IT in 2019",
            memberships(MembershipFilter {
                country: Some("IT".into()),
                year: Some(2019),
                ..Default::default()
            }),
            "mem:turin-eurocities-migration-integration-wg mem:turin-eurocities-roma-wg mem:turin-integrating-cities-charter mem:turin-intercultural-cities mem:turin-intercultural-cities-italy mem:turin-urbact mem:bologna-palermo-process mem:milan-palermo-process mem:naples-palermo-process mem:palermo-eccar-p001 mem:palermo-eurocities-p001 mem:palermo-palermo-process mem:palermo-solidarity-cities mem:palermo-unicef-upshift mem:riace-palermo-process mem:syracuse-palermo-process",
        ),
        (
            "organisations in IT",
            organisations(OrganisationFilter { country: Some("IT".into()), ..Default::default() }),
            "org:compagnia-di-san-paolo org:five-star-movement org:fondazione-crt org:italy-national-government org:politecnico-di-torino org:torino-internazionale org:turin-chamber-of-commerce org:turin-citizenship-rights-dept org:turin-foreigners-office org:turin-international-relations-dept org:turin-social-policy-dept org:it-ministry-interior org:it-prefectures org:lega org:protezione-civile",
        ),
        (
            "events in FR in 2015, in progress",
            events(EventFilter {
                year: Some(2015),
                country: Some("FR".into()),
                ..Default::default()
            }),
            "evt:euromed-creation-letter-1999 evt:perdriau-jaccueille-2015-09 evt:perdriau-refugee-welcome-2015-11 evt:saint-etienne-cosmopolitan-exhibition-2015 evt:saint-etienne-election-2008 evt:saint-etienne-election-2014 evt:saint-etienne-mayor-designation-1994 evt:saint-etienne-mayoral-election-1995 evt:saint-etienne-refugee-arrivals-2015 evt:saint-etienne-regenera-visit-2005 evt:perdriau-refugee-welcome-2015-09-14",
        ),
        (
            "events in FR in 2015, at their start",
            events(EventFilter {
                year: Some(2015),
                country: Some("fr".into()),
                open: OpenEvent::AtStart,
            }),
            "evt:perdriau-jaccueille-2015-09 evt:perdriau-refugee-welcome-2015-11 evt:saint-etienne-cosmopolitan-exhibition-2015 evt:saint-etienne-refugee-arrivals-2015 evt:perdriau-refugee-welcome-2015-09-14",
        ),
    ]);
}

#[test]
fn size_words_short_and_long_name_the_same_class() {
    for w in filter::SIZES {
        let class = filter::size_class(w).expect("an accepted word");
        assert!(class.starts_with(w), "{w} → {class}");
    }
    assert_eq!(filter::size_class("town"), None);
    assert!(filter::name_has_words("Saint-Étienne", Some("etienne  SAINT")));
    assert!(!filter::name_has_words("Saint-Étienne", Some("lyon")));
    assert!(filter::name_has_words("anything", None));
}
