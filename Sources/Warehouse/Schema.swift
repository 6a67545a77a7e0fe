/// The warehouse's schema, migration by migration (docs/warehouse.md describes every table).
enum Schema {
    /// Who may see or change an office's rows: the members of the role that `caseload.offices`
    /// maps the office to (by the role's oid, so that an office whose role does not exist yet
    /// simply matches nobody).
    static func member(_ column: String) -> String {
        "EXISTS (SELECT 1 FROM caseload.offices o JOIN pg_catalog.pg_roles r ON r.rolname = o.role WHERE o.office = \(column) AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))"
    }

    static let reader = "pg_catalog.pg_has_role(current_user, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'caseload_reader'), 'MEMBER')"

    static let officeTables = ["runs", "figures", "files", "issues"]

    static let version1: [String] =
        [
            """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'caseload_reader') THEN CREATE ROLE caseload_reader NOLOGIN; END IF;
              IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'caseload_publisher') THEN CREATE ROLE caseload_publisher NOLOGIN; END IF;
            END $$
            """,
            "CREATE TABLE caseload.offices (office text PRIMARY KEY CHECK (office ~ '^[A-Z0-9_-]{2,32}$'), role text NOT NULL)",
            """
            CREATE TABLE caseload.runs (office text PRIMARY KEY REFERENCES caseload.offices, run_sha256 text NOT NULL CHECK (run_sha256 ~ '^[0-9a-f]{64}$'),
              tool_version text NOT NULL, options jsonb NOT NULL, published_at timestamptz NOT NULL DEFAULT now())
            """,
            """
            CREATE TABLE caseload.figures (office text NOT NULL REFERENCES caseload.offices, period text NOT NULL CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
              population text NOT NULL, indicator text NOT NULL, dimension text NOT NULL, category text NOT NULL, value numeric NOT NULL,
              PRIMARY KEY (office, period, population, indicator, dimension, category))
            """,
            """
            CREATE TABLE caseload.files (office text NOT NULL REFERENCES caseload.offices, path text NOT NULL, sha256 text, kind text, facility text,
              period text, revision integer, format text, outcome text NOT NULL, records_accepted integer NOT NULL, records_rejected integer NOT NULL,
              PRIMARY KEY (office, path))
            """,
            """
            CREATE TABLE caseload.issues (office text NOT NULL REFERENCES caseload.offices, severity text NOT NULL, code text NOT NULL, file text,
              line integer, facility text, period text, field text, message text NOT NULL)
            """,
            "CREATE INDEX issues_office ON caseload.issues (office, period)",
            """
            CREATE VIEW caseload.consolidated WITH (security_invoker = true) AS
              SELECT period, population, indicator, dimension, category, sum(value) AS value, count(DISTINCT office) AS offices
              FROM caseload.figures WHERE indicator <> 'stay_median_days' GROUP BY period, population, indicator, dimension, category
            """,
            "GRANT USAGE ON SCHEMA caseload TO caseload_reader, caseload_publisher",
            "GRANT SELECT ON ALL TABLES IN SCHEMA caseload TO caseload_reader, caseload_publisher",
            "GRANT INSERT, UPDATE, DELETE ON caseload.runs, caseload.figures, caseload.files, caseload.issues TO caseload_publisher",
        ]
        + officeTables.flatMap { t in
            [
                "ALTER TABLE caseload.\(t) ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY read_\(t) ON caseload.\(t) FOR SELECT USING (\(reader) OR \(member("\(t).office")))",
                "CREATE POLICY insert_\(t) ON caseload.\(t) FOR INSERT WITH CHECK (\(member("\(t).office")))",
                "CREATE POLICY update_\(t) ON caseload.\(t) FOR UPDATE USING (\(member("\(t).office"))) WITH CHECK (\(member("\(t).office")))",
                "CREATE POLICY delete_\(t) ON caseload.\(t) FOR DELETE USING (\(member("\(t).office")))",
            ]
        }
}
