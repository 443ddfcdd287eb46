//! `backdesk import …`: round trips, idempotence, and row-level errors that write nothing.

use crate::support::{backdesk, backdesk_json, demo, stderr_of, workspace_with_demo_master_data, write};

/// One value from the workspace database, read with the sqlite3 command line (outside the code under test).
fn query_value(data_dir: &std::path::Path, sql: &str) -> String {
    let db = data_dir.join("backdesk.db");
    match std::process::Command::new("sqlite3").arg(&db).arg(sql).output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        _ => panic!(
            "sqlite3 is needed to inspect {}: scripts/install-system-deps.sh installs it",
            db.display()
        ),
    }
}

fn count(data_dir: &std::path::Path, table: &str) -> i64 {
    query_value(data_dir, &format!("SELECT COUNT(*) FROM {table}"))
        .parse()
        .expect("a count")
}

/// Every row of every master-data table, `updated_at` included.
fn master_data_dump(data_dir: &std::path::Path) -> String {
    ["vendors", "purchase_order_lines", "receipts", "accounts"]
        .iter()
        .map(|table| query_value(data_dir, &format!("SELECT * FROM {table} ORDER BY 1, 2, 3")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn importing_the_demo_master_data_twice_changes_nothing_the_second_time() {
    let dir = workspace_with_demo_master_data();
    let counts = ["vendors", "purchase_order_lines", "receipts"].map(|t| count(dir.path(), t));
    assert_eq!(
        counts,
        [4, 4, 4],
        "the demo has 4 vendors, 4 PO lines and 4 receipt lines"
    );
    let before = master_data_dump(dir.path());
    std::thread::sleep(std::time::Duration::from_millis(5)); // a rewrite would get a later updated_at
    for (kind, file) in [
        ("accounts", "accounts.csv"),
        ("vendors", "vendors.csv"),
        ("purchase-orders", "purchase_orders.csv"),
        ("receipts", "receipts.csv"),
    ] {
        let report = backdesk_json(dir.path(), &["import", kind, demo(file).to_str().unwrap()]);
        assert_eq!(report["rows"], 4, "{kind}: every row is read again");
        assert_eq!(
            report["changed"], 0,
            "{kind}: and none differs from what is on file"
        );
    }
    assert_eq!(
        master_data_dump(dir.path()),
        before,
        "an identical import changes nothing, not even updated_at"
    );
}

#[test]
fn an_update_in_a_reimported_file_replaces_the_row_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "vendors.csv", "vendor_id,name\nV1,Acme\n");
    backdesk(dir.path(), &["import", "vendors", file.to_str().unwrap()]).success();
    write(dir.path(), "vendors.csv", "vendor_id,name\nV1,Acme Holding\n");
    backdesk(dir.path(), &["import", "vendors", file.to_str().unwrap()]).success();
    assert_eq!(count(dir.path(), "vendors"), 1);
    assert_eq!(
        query_value(dir.path(), "SELECT name || '|' || origin FROM vendors"),
        "Acme Holding|import:vendors.csv"
    );
}

#[test]
fn a_wrong_date_names_file_line_and_column_and_writes_no_row() {
    let dir = workspace_with_demo_master_data();
    let file = write(
        dir.path(),
        "new_pos.csv",
        "po_number,vendor_id,line_no,description,quantity,unit_price,currency,order_date\n\
         PO-9,V-LIEF,1,Good row,1,1.00,EUR,2026-01-05\n\
         PO-9,V-LIEF,2,Bad date,1,1.00,EUR,2026-13-40\n",
    );
    let assert = backdesk(dir.path(), &["import", "purchase-orders", file.to_str().unwrap()]).code(3);
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains("new_pos.csv: line 3, column order_date"),
        "{stderr}"
    );
    assert!(
        stderr.contains("YYYY-MM-DD"),
        "the message says how to fix it: {stderr}"
    );
    assert!(stderr.contains("nothing from this file was imported"), "{stderr}");
    assert_eq!(
        count(dir.path(), "purchase_order_lines"),
        4,
        "the good row of the failed file was not written"
    );
}

#[test]
fn a_missing_required_column_is_reported_on_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "vendors.csv", "vendor_id,tax_id\nV1,DE1\n");
    let assert = backdesk(dir.path(), &["import", "vendors", file.to_str().unwrap()]).code(3);
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains("vendors.csv: line 1, column name: the required column 'name' is missing"),
        "{stderr}"
    );
    assert_eq!(count(dir.path(), "vendors"), 0);
}

#[test]
fn an_unknown_vendor_on_a_po_line_rejects_the_whole_file() {
    let dir = workspace_with_demo_master_data();
    let file = write(
        dir.path(),
        "pos.csv",
        "po_number,vendor_id,line_no,description,quantity,unit_price,currency,order_date\n\
         PO-7,V-LIEF,1,Known vendor,1,1.00,EUR,2026-01-05\n\
         PO-8,V-NOBODY,1,Unknown vendor,1,1.00,EUR,2026-01-05\n",
    );
    let assert = backdesk(dir.path(), &["import", "purchase-orders", file.to_str().unwrap()]).code(3);
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains("pos.csv: line 3, column vendor_id: vendor 'V-NOBODY' is not on file"),
        "{stderr}"
    );
    assert_eq!(
        count(dir.path(), "purchase_order_lines"),
        4,
        "PO-7 was not written either"
    );
}

#[test]
fn a_receipt_for_an_unknown_po_line_is_refused() {
    let dir = workspace_with_demo_master_data();
    let file = write(
        dir.path(),
        "grn.csv",
        "receipt_id,po_number,line_no,quantity_received,received_date\nGR-9,2018-471331,9,1,2026-01-05\n",
    );
    let stderr = stderr_of(&backdesk(dir.path(), &["import", "receipts", file.to_str().unwrap()]).code(3));
    assert!(
        stderr.contains("line 2, column po_number: purchase order 2018-471331 line 9 is not on file"),
        "{stderr}"
    );
}

#[test]
fn unknown_columns_are_ignored_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "accounts.csv",
        "code,name,colour\n4000,Materials,blue\n",
    );
    let assert = backdesk(dir.path(), &["import", "accounts", file.to_str().unwrap()]).success();
    assert!(stderr_of(&assert).contains("column 'colour' is not used and was ignored"));
}

#[test]
fn an_unknown_import_kind_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = stderr_of(&backdesk(dir.path(), &["import", "customers", "x.csv"]).code(2));
    assert!(
        stderr.contains("vendors, purchase-orders, receipts or accounts"),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_is_a_data_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = stderr_of(&backdesk(dir.path(), &["import", "vendors", "/no/such/vendors.csv"]).code(3));
    assert!(stderr.contains("/no/such/vendors.csv"), "{stderr}");
}
