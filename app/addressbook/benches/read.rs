//! How fast the readers go through files the size the import's budget names: a 100,000-row CSV
//! with Google Contacts' columns (5% of rows repeating an earlier row's e-mail address, 1% with a
//! quote never closed or an address that is not one) and a 100,000-card vCard 3.0 file, each
//! written to a temporary file and read from it as the import reads an upload (encoding detected
//! over the whole file, then rows or cards one at a time into contacts).
//!
//!   cargo bench -p crm-addressbook --bench read [-- ROWS]
//!
//! Prints rows per second and the process's peak resident memory; fails on nothing but a row
//! count that is not what was written.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use crm_addressbook::columns::Mapping;
use crm_addressbook::csv::Table;
use crm_addressbook::text::{Lines, detect};
use crm_addressbook::vcard::Cards;

const GOOGLE: &str = "Name,Given Name,Additional Name,Family Name,Name Prefix,Name Suffix,Notes,\
Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,Phone 1 - Type,\
Phone 1 - Value,Address 1 - Type,Address 1 - Street,Address 1 - City,Address 1 - Region,\
Address 1 - Postal Code,Address 1 - Country,Organization 1 - Name,Organization 1 - Title";

const FIRST: [&str; 8] = [
    "Ada", "Grace", "Zoë", "José", "Ingrid", "Kwame", "Mei", "Olusegun",
];
const LAST: [&str; 8] = [
    "Lovelace",
    "Hopper",
    "Müller",
    "García",
    "Bergström",
    "Mensah",
    "Wang",
    "Obi",
];

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn write_csv(path: &std::path::Path, rows: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    write!(out, "{GOOGLE}\r\n")?;
    for n in 0..rows {
        let (first, last) = (FIRST[n % 8], LAST[(n / 8) % 8]);
        // 5% repeat an earlier row's address; 1% are broken.
        let email = if n % 20 == 19 {
            format!("p{}@example.com", n / 2)
        } else {
            format!("p{n}@example.com")
        };
        let email = if n % 100 == 57 {
            "not an address".to_owned()
        } else {
            email
        };
        let notes = if n % 100 == 71 {
            "\"never closed".to_owned()
        } else {
            format!("\"Met at event {n},\nfollow up\"")
        };
        write!(
            out,
            "{first} {last},{first},,{last},,,{notes},* myContacts ::: Clients,* Work,{email},Home,{first}.{n}@home.example,Mobile,+44 7700 9{:05},Work,{n} High Street,London,,SW1A 1AA,United Kingdom,Company {},Engineer\r\n",
            n % 100_000,
            n % 997
        )?;
    }
    out.flush()
}

fn write_vcard(path: &std::path::Path, cards: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    for n in 0..cards {
        let (first, last) = (FIRST[n % 8], LAST[(n / 8) % 8]);
        write!(
            out,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:{last};{first};;;\r\nFN:{first} {last}\r\nORG:Company {};Sales\r\nTITLE:Engineer\r\n\
             item1.EMAIL;type=INTERNET;type=pref:p{n}@example.com\r\nitem1.X-ABLabel:_$!<Work>!$_\r\n\
             TEL;type=CELL;type=VOICE:+44 7700 9{:05}\r\nADR;TYPE=HOME:;;{n} High Street;London;;SW1A 1AA;United Kingdom\r\n\
             NOTE:Met at event {n}\\, follow up. A longer note that folds onto a second line becaus\r\n e it is long.\r\n\
             CATEGORIES:Clients,VIP\r\nEND:VCARD\r\n",
            n % 997,
            n % 100_000
        )?;
    }
    out.flush()
}

fn main() -> std::io::Result<()> {
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("crm-addressbook-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let csv_path = dir.join("google.csv");
    let vcf_path = dir.join("contacts.vcf");
    write_csv(&csv_path, rows)?;
    write_vcard(&vcf_path, rows)?;
    let before = peak_kib();

    let started = Instant::now();
    let mut file = File::open(&csv_path)?;
    let encoding = detect(&mut file)?;
    let mut table = Table::open(Lines::new(file, encoding))?.expect("a header");
    let mapping = Mapping::guess(table.headers());
    let (mut read, mut rejected) = (0, 0);
    while let Some(row) = table.next_row()? {
        match row {
            Ok(row) => {
                std::hint::black_box(mapping.contact(&row));
                read += 1;
            }
            Err(_) => rejected += 1,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&csv_path)?.len() as f64 / 1e6;
    println!(
        "CSV, Google Contacts' columns: {rows} rows ({size:.1} MB) in {seconds:.2} s, {:.0} rows/s; {read} read, {rejected} rejected",
        rows as f64 / seconds
    );
    // The rows whose quote is never closed are rejected, each alone; the rest are read.
    assert_eq!(
        (read, rejected),
        (rows - rows / 100, rows / 100),
        "every row accounted for"
    );

    let started = Instant::now();
    let mut file = File::open(&vcf_path)?;
    let encoding = detect(&mut file)?;
    let mut cards = Cards::new(Lines::new(file, encoding));
    let mut read = 0;
    while let Some(card) = cards.next_card()? {
        std::hint::black_box(card.expect("every card reads"));
        read += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&vcf_path)?.len() as f64 / 1e6;
    println!(
        "vCard 3.0: {read} cards ({size:.1} MB) in {seconds:.2} s, {:.0} cards/s",
        read as f64 / seconds
    );
    assert_eq!(read, rows);
    println!(
        "peak resident memory: {:.1} MiB (before reading: {:.1} MiB)",
        peak_kib() as f64 / 1024.0,
        before as f64 / 1024.0
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
