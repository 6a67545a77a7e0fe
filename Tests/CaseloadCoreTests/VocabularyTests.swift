import CaseloadCore
import Testing

/// The closed vocabularies and what is sized from them. Adding a dimension, an indicator or an
/// issue code fails to compile until every `switch` over it handles it (none has a `default:`);
/// adding a code to a code list fails here when it no longer fits the bit sets.
struct VocabularyTests {
    /// A record's lists are `CodeSet`s of 16 bits, and the figures add one bit for `NONE`.
    @Test func everyCodeListFitsItsBitSet() {
        let counts = [
            ("vulnerabilities", Vulnerability.count), ("services", Service.count), ("exploitation", Exploitation.count),
            ("assistance", Assistance.count),
        ]
        for (name, n) in counts { #expect(n <= 16, "\(name) has \(n) codes: CodeSet holds 16") }
        #expect(Exploitation.count == Exploitation.allCases.count && Assistance.count == Assistance.allCases.count)
    }

    @Test func closedDimensionsListEveryCodeAndTheirExtra() {
        #expect(Dimension.service.closedCategories == Service.allCases.map(\.rawValue) + ["NONE"])
        #expect(Dimension.sector.closedCategories == Sector.allCases.map(\.rawValue) + ["UNKNOWN"])
        #expect(Dimension.sexAge.closedCategories?.count == Sex.count * AgeGroup.allCases.count)
        #expect(Dimension.allCases.filter { $0.closedCategories == nil } == [.nationality, .facility, .province, .exploitationCountry])
        #expect(Dimension.allCases.filter(\.isMultiValued) == [.vulnerability, .service, .exploitation, .assistance])
    }

    @Test func theCatalogueIsIndicatorsMd() {
        #expect(IndicatorCatalogue.migrants.map(\.indicator) == ["supported", "in_care_end", "new_arrivals", "exits", "uasc", "services", "stay_median_days"])
        #expect(IndicatorCatalogue.victims.map(\.indicator) == ["assisted", "new_cases", "assisted_cumulative"])
        #expect(
            IndicatorCatalogue.victims[0].dimensions == [
                "total", "sex", "age_group", "sex_age", "nationality", "facility", "province", "exploitation",
                "sector", "exploitation_country", "trafficking", "referral", "assistance",
            ])
        #expect(Indicator.allCases.filter { $0.container == .supported } == [.inCareEnd, .newArrivals, .exits, .uasc])
        #expect(IndicatorCatalogue.categories(of: "no_such_dimension") == nil)
    }

    /// validation.md's tables: which codes judge a whole file, and their severities.
    @Test func issueCodesAreValidationMd() {
        let fileRules: Set<IssueCode> = [
            .FILE_NAME, .UNKNOWN_FACILITY, .FACILITY_KIND, .FACILITY_PERIOD, .UNREADABLE, .TOO_LARGE, .EMPTY_FILE,
            .ENCODING, .CSV_SYNTAX, .MISSING_COLUMN, .DUPLICATE_COLUMN, .XML_MALFORMED, .XML_DOCTYPE, .XML_SCHEMA,
            .ENVELOPE_MISMATCH, .AMBIGUOUS_REVISION, .TOO_MANY_REJECTS, .UNKNOWN_COLUMN, .NO_RECORDS,
            .DUPLICATE_FILE, .SUPERSEDED,
        ]
        #expect(Set(IssueCode.allCases.filter(\.isFileLevel)) == fileRules)
        #expect(Set(IssueCode.allCases.filter { $0.severity == .warning }) == [.UNKNOWN_COLUMN, .UASC_AGE, .BLANK_ROW, .CONFLICT, .CONTINUITY, .MISSING_SUBMISSION])
        #expect(Set(IssueCode.allCases.filter { $0.severity == .info }) == [.NO_RECORDS, .DUPLICATE_FILE, .SUPERSEDED])
        #expect(IssueCode.allCases.count == 35)
    }
}
