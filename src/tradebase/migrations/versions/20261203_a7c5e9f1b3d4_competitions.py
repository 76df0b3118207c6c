"""Competitions (issue 11): a competition event's judging state, categories, entries by
enterprises or people, judges with declared conflicts of interest, weighted criteria and the
sealed scores.

Revision ID: a7c5e9f1b3d4
Revises: c3e8f1a5b7d9
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a7c5e9f1b3d4"
down_revision = "c3e8f1a5b7d9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('competition_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_competition_categories_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_categories'))
    )
    with op.batch_alter_table('competition_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_categories_event_id'), ['event_id'], unique=False)

    op.create_table('competitions',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('tie_break', sa.String(length=20), nullable=False),
    sa.Column('comments_published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ranking', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_competitions_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_competitions'))
    )
    op.create_table('competition_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['competition_categories.id'], name=op.f('fk_competition_criteria_category_id_competition_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_competition_criteria_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_criteria'))
    )
    with op.batch_alter_table('competition_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_criteria_event_id'), ['event_id'], unique=False)

    op.create_table('competition_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('person_role', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['competition_categories.id'], name=op.f('fk_competition_entries_category_id_competition_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_competition_entries_enterprise_id_enterprises'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_competition_entries_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_entries'))
    )
    with op.batch_alter_table('competition_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_entries_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competition_entries_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competition_entries_event_id'), ['event_id'], unique=False)

    op.create_table('competition_judges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('affiliation_id', sa.Integer(), nullable=True),
    sa.Column('category_ids', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['affiliation_id'], ['enterprises.id'], name=op.f('fk_competition_judges_affiliation_id_enterprises'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_competition_judges_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_competition_judges_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_judges')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_competition_judges_event_id_user_id'))
    )
    with op.batch_alter_table('competition_judges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_judges_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competition_judges_user_id'), ['user_id'], unique=False)

    op.create_table('competition_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_competition_conflicts_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['competition_entries.id'], name=op.f('fk_competition_conflicts_entry_id_competition_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['competition_judges.id'], name=op.f('fk_competition_conflicts_judge_id_competition_judges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_conflicts'))
    )
    with op.batch_alter_table('competition_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_conflicts_judge_id'), ['judge_id'], unique=False)

    op.create_table('competition_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('sealed_value', sa.Float(), nullable=False),
    sa.Column('sealed_comment', sa.Text(), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['competition_criteria.id'], name=op.f('fk_competition_scores_criterion_id_competition_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['competition_entries.id'], name=op.f('fk_competition_scores_entry_id_competition_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['competition_judges.id'], name=op.f('fk_competition_scores_judge_id_competition_judges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_scores')),
    sa.UniqueConstraint('judge_id', 'entry_id', 'criterion_id', name=op.f('uq_competition_scores_judge_id_entry_id_criterion_id'))
    )
    with op.batch_alter_table('competition_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_scores_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competition_scores_judge_id'), ['judge_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('competition_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_scores_judge_id'))
        batch_op.drop_index(batch_op.f('ix_competition_scores_entry_id'))

    op.drop_table('competition_scores')
    with op.batch_alter_table('competition_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_conflicts_judge_id'))

    op.drop_table('competition_conflicts')
    with op.batch_alter_table('competition_judges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_judges_user_id'))
        batch_op.drop_index(batch_op.f('ix_competition_judges_event_id'))

    op.drop_table('competition_judges')
    with op.batch_alter_table('competition_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_entries_event_id'))
        batch_op.drop_index(batch_op.f('ix_competition_entries_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_competition_entries_category_id'))

    op.drop_table('competition_entries')
    with op.batch_alter_table('competition_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_criteria_event_id'))

    op.drop_table('competition_criteria')
    op.drop_table('competitions')
    with op.batch_alter_table('competition_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_categories_event_id'))

    op.drop_table('competition_categories')
