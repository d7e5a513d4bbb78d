//! User import jobs: Cognito's way of moving users in from another system in bulk (a CSV under
//! the pool's own header, uploaded to the job's pre-signed URL, imported by Cognito and counted).
//! These are the job's calls; `pool.importUsers` (lib/import.js) runs them in order.
#![forbid(unsafe_code)]

use super::page_size;
use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::params::Params;
use aws_sdk_cognitoidentityprovider::primitives::DateTime;
use aws_sdk_cognitoidentityprovider::types::{PasswordHashingAlgorithmType, UserImportJobType};
use serde::Serialize;

/// A job as Cognito describes it (dates in seconds). The pre-signed URL lets anyone holding it
/// write the job's CSV, so its Debug print leaves it out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportJob {
    job_id: Option<String>,
    job_name: Option<String>,
    status: Option<String>,
    pre_signed_url: Option<String>,
    created_at: Option<i64>,
    started_at: Option<i64>,
    completed_at: Option<i64>,
    imported_users: i64,
    skipped_users: i64,
    failed_users: i64,
    completion_message: Option<String>,
    password_hashing_algorithm: Option<String>,
    cloud_watch_logs_role_arn: Option<String>,
}

impl std::fmt::Debug for ImportJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportJob")
            .field("job_id", &self.job_id)
            .field("status", &self.status)
            .field("imported_users", &self.imported_users)
            .field("skipped_users", &self.skipped_users)
            .field("failed_users", &self.failed_users)
            .finish_non_exhaustive()
    }
}

impl From<&UserImportJobType> for ImportJob {
    fn from(j: &UserImportJobType) -> Self {
        Self {
            job_id: j.job_id().map(str::to_owned),
            job_name: j.job_name().map(str::to_owned),
            status: j.status().map(|s| s.as_str().to_owned()),
            pre_signed_url: j.pre_signed_url().map(str::to_owned),
            created_at: j.creation_date().map(DateTime::secs),
            started_at: j.start_date().map(DateTime::secs),
            completed_at: j.completion_date().map(DateTime::secs),
            imported_users: j.imported_users(),
            skipped_users: j.skipped_users(),
            failed_users: j.failed_users(),
            completion_message: j.completion_message().map(str::to_owned),
            password_hashing_algorithm: j
                .password_hashing_algorithm()
                .map(|a| a.as_str().to_owned()),
            cloud_watch_logs_role_arn: j.cloud_watch_logs_role_arn().map(str::to_owned),
        }
    }
}

/// The job Cognito answered with, or a coded error when the answer has none.
fn job(found: Option<&UserImportJobType>, operation: &str) -> Result<ImportJob> {
    found
        .map(ImportJob::from)
        .ok_or_else(|| Error::bad_response(format!("Cognito answered {operation} without the job")))
}

/// `getCsvHeader()`: `{ csvHeader }`, the columns of the pool's import CSV in Cognito's order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CsvHeader {
    csv_header: Vec<String>,
}

pub async fn get_csv_header(cognito: &Cognito, _params: &Params) -> Result<CsvHeader> {
    let out = cognito
        .admin()
        .await
        .get_csv_header()
        .user_pool_id(&cognito.config.user_pool_id)
        .send()
        .await?;
    Ok(CsvHeader {
        csv_header: out.csv_header().to_vec(),
    })
}

/// `createUserImportJob({ jobName, cloudWatchLogsRoleArn, passwordHashingAlgorithm? })`: a job
/// in `Created`, with the URL its CSV is uploaded to.
pub async fn create_user_import_job(cognito: &Cognito, params: &Params) -> Result<ImportJob> {
    let name = params.string("jobName")?;
    let role = params.string("cloudWatchLogsRoleArn")?;
    let algorithm = params
        .optional_string("passwordHashingAlgorithm")?
        .map(|a| match a {
            "BCRYPT" => Ok(PasswordHashingAlgorithmType::Bcrypt),
            "SCRYPT" => Ok(PasswordHashingAlgorithmType::Scrypt),
            "ARGON2ID" => Ok(PasswordHashingAlgorithmType::Argon2Id),
            "PBKDF2_SHA256" => Ok(PasswordHashingAlgorithmType::Pbkdf2Sha256),
            _ => Err(Error::invalid_param(
                "passwordHashingAlgorithm must be 'BCRYPT', 'SCRYPT', 'ARGON2ID' or 'PBKDF2_SHA256'",
            )),
        })
        .transpose()?;
    let out = cognito
        .admin()
        .await
        .create_user_import_job()
        .user_pool_id(&cognito.config.user_pool_id)
        .job_name(name)
        .cloud_watch_logs_role_arn(role)
        .set_password_hashing_algorithm(algorithm)
        .send()
        .await?;
    job(out.user_import_job(), "CreateUserImportJob")
}

/// The calls on one job by its id, each answering the job: the same request but for the
/// operation, which the SDK's builders name after the method (`start_user_import_job`).
macro_rules! job_calls {
    ($($(#[$doc:meta])* $name:ident => $operation:literal,)+) => {$(
        $(#[$doc])*
        pub async fn $name(cognito: &Cognito, params: &Params) -> Result<ImportJob> {
            let id = params.string("jobId")?;
            let out = cognito
                .admin()
                .await
                .$name()
                .user_pool_id(&cognito.config.user_pool_id)
                .job_id(id)
                .send()
                .await?;
            job(out.user_import_job(), $operation)
        }
    )+};
}

job_calls! {
    /// `startUserImportJob({ jobId })`: Cognito starts importing the uploaded CSV.
    start_user_import_job => "StartUserImportJob",
    /// `stopUserImportJob({ jobId })`: the users imported so far stay.
    stop_user_import_job => "StopUserImportJob",
    /// `describeUserImportJob({ jobId })`: the job's status and counts so far.
    describe_user_import_job => "DescribeUserImportJob",
}

/// `listUserImportJobs`' page: `{ userImportJobs, paginationToken }`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportJobPage {
    user_import_jobs: Vec<ImportJob>,
    pagination_token: Option<String>,
}

/// `listUserImportJobs({ limit?, paginationToken? })`; Cognito requires a page size, 60 unless
/// `limit` says less.
pub async fn list_user_import_jobs(cognito: &Cognito, params: &Params) -> Result<ImportJobPage> {
    let token = params.optional_string("paginationToken")?;
    let limit = page_size(params)?.unwrap_or(60);
    let out = cognito
        .admin()
        .await
        .list_user_import_jobs()
        .user_pool_id(&cognito.config.user_pool_id)
        .max_results(limit)
        .set_pagination_token(token.map(str::to_owned))
        .send()
        .await?;
    Ok(ImportJobPage {
        user_import_jobs: out.user_import_jobs().iter().map(ImportJob::from).collect(),
        pagination_token: out.pagination_token().map(str::to_owned),
    })
}
